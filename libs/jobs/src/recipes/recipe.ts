import type { PaperCell, PaperTable, Recipe, RecipeRunRequest, SweepPlan } from '@ablate/contract';
import { ValidationError } from '../validation-error';
import type { SweepSpecInput } from '../sweep-spec';

/**
 * A recipe: one of the papers' ablation tables as a ready-made sweep. `spec` is sized for a
 * 2-core CPU machine (synthetic shapes at ≤ 128 px, tiny nets, minutes per run); `paper` holds the
 * paper's numbers keyed by the config values of their row and column, so a sweep's ablation
 * table and the paper's can be set side by side (compare.ts).
 */
export interface RecipeDefinition {
  name: string;
  title: string;
  /** What it varies, what it holds fixed, and how it departs from the paper's setting. */
  description: string;
  paper: PaperTable;
  /** Canonical config paths of the table's rows (and columns): the sweep's grid axes. */
  rows: string[];
  cols?: string;
  /** Ablate's metric compared with the paper's: AP, AP50 (VOC mAP), segm.AP (mask AP). */
  metric: string;
  /** The SweepSpec at the default budget: `base.train.steps` and `seeds` (a count) set. */
  spec: SweepSpecInput & { seeds: number; base: { train: { steps: number } }; grid: Record<string, unknown[]> };
}

/** A paper's cell: `key` in config values (loss.alpha: 0.25), `value` as the paper prints it. */
export function paperCell(key: Record<string, unknown>, value: number): PaperCell {
  return { key, value };
}

/** Runs the recipe's sweep makes with `seeds` seeds: grid points × seeds. */
export function recipeRuns(recipe: RecipeDefinition, seeds = recipe.spec.seeds): number {
  return Object.values(recipe.spec.grid).reduce((n, values) => n * values.length, 1) * seeds;
}

/** The recipe as `GET /recipes` lists it. */
export function recipeSummary(recipe: RecipeDefinition): Recipe {
  return {
    name: recipe.name,
    title: recipe.title,
    description: recipe.description,
    paper: recipe.paper,
    rows: recipe.rows,
    cols: recipe.cols ?? null,
    metric: recipe.metric,
    runs: recipeRuns(recipe),
    steps: recipe.spec.base.train.steps,
    seeds: recipe.spec.seeds,
    spec: recipe.spec,
  };
}

/**
 * Training steps per run that fit `cpuMinutes` of CPU for the whole sweep, from a dry run's plan:
 * one step of every run costs Σ runs × seconds per step × threads over the distinct models, as the
 * plan's core-hours count it. A budget that cannot buy one step of each run is a 400 naming it.
 */
export function stepsForCpuMinutes(plan: Pick<SweepPlan, 'cost' | 'runCount'>, cpuMinutes: number): number {
  const secondsPerSweepStep = plan.cost.threads * plan.cost.models.reduce((sum, m) => sum + m.runs * m.secondsPerStep, 0);
  const steps = Math.floor((cpuMinutes * 60) / secondsPerSweepStep);
  if (!(steps >= 1)) {
    const oneStep = (secondsPerSweepStep / 60).toPrecision(2);
    throw new ValidationError([{ path: 'cpuMinutes', message: `${cpuMinutes} CPU-min cannot train one step of each of the ${plan.runCount} runs (that costs ${oneStep} CPU-min)` }], 'recipe overrides');
  }
  return steps;
}

/**
 * The recipe's SweepSpec with the overrides applied: the dataset replaced, `budget` as every
 * run's train.steps, `seeds` as the seed count. The sweep is named after the recipe and tagged
 * `recipe:<name>` so that `ablate sweep list --tag` finds a recipe's sweeps. Validation is
 * POST /sweeps's (validateSweepSpec), which names any bad field.
 */
export function recipeSweepSpec(recipe: RecipeDefinition, overrides: RecipeRunRequest = {}): SweepSpecInput {
  const spec = structuredClone(recipe.spec);
  // cpuMinutes is turned into a budget by the caller, which can time steps (stepsForCpuMinutes).
  const train = { ...spec.base.train, ...(overrides.budget !== undefined ? { steps: overrides.budget } : {}) };
  return {
    ...spec,
    name: `recipe ${recipe.name}`,
    tags: [...(spec.tags ?? []), `recipe:${recipe.name}`],
    dataset: overrides.dataset ?? spec.dataset,
    base: { ...spec.base, train },
    seeds: overrides.seeds ?? spec.seeds,
  };
}

/**
 * Both splits from one dataset URI, for `--dataset URI`: synthetic and VOC URIs name their split
 * (`split=train` / `split=val`), so the validation split is the same URI at `split=val`; a COCO
 * file has no split to switch, so it needs its validation URI given. Undefined when it cannot.
 */
export function datasetSplits(uri: string, val?: string): { train: string; val: string } | undefined {
  if (val !== undefined) return { train: uri, val };
  const colon = uri.indexOf(':');
  const scheme = uri.slice(0, colon);
  if (scheme !== 'synthetic' && scheme !== 'voc') return undefined;
  const q = uri.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : uri.slice(q + 1));
  const base = q < 0 ? uri : uri.slice(0, q);
  const at = (split: string) => {
    params.set('split', split);
    return `${base}?${params.toString()}`;
  };
  // VOC's training split is usually trainval; keep the one given, if any.
  const train = scheme === 'voc' && uri.includes('split=') ? uri : at('train');
  return { train, val: at('val') };
}
