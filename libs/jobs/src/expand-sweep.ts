import type { RunConfig } from '@ablate/detection';
import type { ConfigPath } from './config-paths';
import { samplePoints } from './space-spec';
import { archOfPoint, paramsReadBy } from './sweep-archs';
import { buildRunConfig, validateSweepSpec, type SweepSpec, type SweepValidationOptions } from './sweep-spec';

/** One run of an expanded sweep. */
export interface PlannedRun {
  /** Position in the sweep's deterministic order (0-based). */
  index: number;
  /** Stable identity of the grid point and seed (see `runKey`); unique within a sweep. */
  key: string;
  /** The varied parameters: canonical config path → value (the grid point, seed excluded). */
  params: Record<ConfigPath, unknown>;
  seed: number;
  /** The full, validated config the worker trains. */
  config: RunConfig;
}

/**
 * A canonical, order-independent string for a grid point and seed:
 * `loss.alpha=0.25|loss.gamma=2|seed=0` (paths sorted, values as JSON).
 */
export function runKey(params: Record<ConfigPath, unknown>, seed: number): string {
  const parts = Object.keys(params)
    .sort()
    .map((path) => `${path}=${JSON.stringify(params[path])}`);
  return [...parts, `seed=${seed}`].join('|');
}

/**
 * Expands a validated sweep into its runs: the cartesian product of the grid axes (or the
 * sampled configurations of a random or sobol sweep) × seeds.
 * Order is deterministic: axes in the order given, the last axis varying fastest, seeds innermost.
 * `{gamma: [0, 2], alpha: [0.25, 0.75]}`, seeds [0, 1] gives
 * (γ0 α.25 s0), (γ0 α.25 s1), (γ0 α.75 s0), (γ0 α.75 s1), (γ2 α.25 s0) … — 8 runs.
 * Over several architectures, a run's params keep the axes its family reads: a Faster R-CNN
 * run does not repeat for each `mask.loss`, so the product counts it once (sweep-archs.ts).
 */
export function expandSweep(spec: SweepSpec): PlannedRun[] {
  const runs: PlannedRun[] = [];
  const keys = new Set<string>();
  for (const point of sweepPoints(spec)) {
    const params = paramsReadBy(point, archOfPoint(point, spec.base));
    for (const seed of spec.seeds) {
      const key = runKey(params, seed);
      if (keys.has(key)) continue;
      keys.add(key);
      runs.push({ index: runs.length, key, params, seed, config: buildRunConfig(spec, params, seed) });
    }
  }
  return runs;
}

/**
 * The configurations of a sweep, in order: a grid's cartesian product, or a random or sobol
 * sweep's `budget` samples in the order drawn (space-spec.ts).
 */
function sweepPoints(spec: SweepSpec): Record<ConfigPath, unknown>[] {
  if (spec.search !== undefined) {
    return samplePoints({ search: spec.search, space: spec.space ?? [], budget: spec.budget ?? 0, samplerSeed: spec.samplerSeed, base: spec.base });
  }
  let points: Record<ConfigPath, unknown>[] = [{}];
  for (const axis of spec.grid) {
    points = points.flatMap((point) => axis.values.map((value) => ({ ...point, [axis.path]: value })));
  }
  return points;
}

/** `validateSweepSpec` then `expandSweep`: a submitted document to its runs, or a ValidationError. */
export function planSweep(input: unknown, options?: SweepValidationOptions): { spec: SweepSpec; runs: PlannedRun[] } {
  const spec = validateSweepSpec(input, options);
  return { spec, runs: expandSweep(spec) };
}
