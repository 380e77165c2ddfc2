import type { SweepPlan } from '@ablate/contract';
import { resolveBackbone, resolveInputSize, type RunConfig, type StepCostMeasurement } from '@ablate/detection';
import type { PlannedRun } from './expand-sweep';
import { variedPaths, type SweepSpec } from './sweep-spec';

/**
 * A dry run's answer (`POST /sweeps?dryRun=true`, `ablate sweep plan`): the runs a sweep would
 * create, its total training steps, and its cost in core-hours from step costs measured per
 * distinct model (the API times them: train/step-cost.ts in @ablate/detection).
 */

/** A distinct model of a sweep: what one measured step cost stands for. */
export interface PlannedModel {
  /** `stepCostKey` of its runs' configs. */
  key: string;
  /** The config of its first run (the one timed). */
  config: RunConfig;
  runs: number;
  steps: number;
}

/** A measured step cost, and whether it came from the cache of an earlier dry run. */
export type MeasuredCost = StepCostMeasurement & { cached: boolean };

/**
 * What sets the cost of a training step: the model section (weights file aside, input size
 * resolved), the anchors (how many predictions a level makes), the family's sections (RoI batch,
 * mask head) and the batch size. γ, α, the learning rate or the seed change no step's work, so a
 * focal-loss grid is timed once.
 */
export function stepCostKey(config: RunConfig): string {
  const { model, anchors } = config;
  const sections = config as unknown as Record<string, unknown>;
  return JSON.stringify({
    model: { ...model, backboneWeights: undefined, inputSize: resolveInputSize(model) },
    anchors,
    rpn: sections['rpn'],
    roi: sections['roi'],
    mask: sections['mask'],
    batchSize: config.train.batchSize,
  });
}

/** The distinct models of the runs, in order of first appearance, with their runs and steps. */
export function plannedModels(runs: PlannedRun[]): PlannedModel[] {
  const byKey = new Map<string, PlannedModel>();
  for (const run of runs) {
    const key = stepCostKey(run.config);
    const model = byKey.get(key) ?? { key, config: run.config, runs: 0, steps: 0 };
    model.runs += 1;
    model.steps += run.config.train.steps;
    byKey.set(key, model);
  }
  return [...byKey.values()];
}

/** `efficientdet φ1 efficientnet-b1×0.25 64 px, batch 8`. */
export function modelLabel(config: RunConfig): string {
  const { model } = config;
  const phi = model.arch === 'efficientdet' ? ` φ${model.phi}` : '';
  const width = model.backboneWidth === 1 ? '' : `×${model.backboneWidth}`;
  return `${model.arch}${phi} ${resolveBackbone(model)}${width} ${resolveInputSize(model)} px, batch ${config.train.batchSize}`;
}

/** The plan of a validated, expanded sweep, its models' step costs given by `stepCostKey`. */
export function sweepPlan(spec: SweepSpec, runs: PlannedRun[], costs: ReadonlyMap<string, MeasuredCost>): SweepPlan {
  const models = plannedModels(runs).map((m) => {
    const cost = costs.get(m.key);
    if (cost === undefined) throw new Error(`sweepPlan: no step cost for ${modelLabel(m.config)}`);
    return {
      label: modelLabel(m.config),
      runs: m.runs,
      steps: m.steps,
      secondsPerStep: cost.secondsPerStep,
      measuredSteps: cost.measuredSteps,
      cached: cost.cached,
      coreHours: (m.steps * cost.secondsPerStep * cost.threads) / 3600,
      backend: cost.backend,
      threads: cost.threads,
    };
  });
  const first = models[0];
  return {
    dryRun: true,
    name: spec.name,
    search: spec.search ?? 'grid',
    variedPaths: variedPaths(spec),
    sampling: samplingOf(spec),
    seeds: spec.seeds,
    configurations: new Set(runs.map((r) => JSON.stringify(r.params))).size,
    runCount: runs.length,
    runs: runs.map((r) => ({ index: r.index, key: r.key, params: r.params, seed: r.seed, steps: r.config.train.steps })),
    totalSteps: runs.reduce((n, r) => n + r.config.train.steps, 0),
    cost: {
      coreHours: models.reduce((h, m) => h + m.coreHours, 0),
      backend: first?.backend ?? 'none',
      threads: first?.threads ?? 1,
      models: models.map(({ backend: _backend, threads: _threads, ...m }) => m),
    },
  };
}

function samplingOf(spec: SweepSpec): SweepPlan['sampling'] {
  if (spec.search === undefined) return null;
  return {
    budget: spec.budget ?? 0,
    samplerSeed: spec.search === 'random' ? (spec.samplerSeed ?? 0) : null,
    sequence: spec.search === 'random' ? 'mulberry32 seeded by samplerSeed' : "Sobol' (Joe & Kuo new-joe-kuo-6.21201 direction numbers), unscrambled, from point 1",
    space: (spec.space ?? []).map((a) => ({ key: a.key, path: a.path, distribution: a.distribution as Record<string, unknown> })),
  };
}
