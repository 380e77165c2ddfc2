import { DEFAULT_MAX_RUNS_PER_SWEEP } from '@ablate/config';
import { PRIORITY_LIMIT } from 'bullmq';
import { z } from 'zod';
import { NoteSchema, TagsSchema } from '@ablate/contract';
import { dropForeignSections, RunConfigSchema, type RunConfig } from '@ablate/detection';
import { getPath, setPath, type ConfigPath } from './config-paths';
import { EarlyStoppingSchema, type EarlyStopping } from './asha';
import { checkValue, resolveAxisKey } from './axis-checks';
import type { SpaceAxis } from './search-space';
import { checkSamples, spaceArchChoices, validateSpace } from './space-spec';
import { asRunOf, sweepArchs, unreadPathMessage } from './sweep-archs';
import { issuesFromZod, ValidationError, type FieldIssue } from './validation-error';

/** The default cap on runs per sweep (grid product × seeds); `ABLATE_MAX_RUNS_PER_SWEEP` overrides it in the apps. */
export { DEFAULT_MAX_RUNS_PER_SWEEP };

/**
 * BullMQ priorities: 1 is the most urgent, PRIORITY_LIMIT (2^21 − 1) the least; jobs without a
 * priority run before all prioritised ones (BullMQ docs, "Prioritized"). Read from BullMQ itself:
 * a value it would refuse must be refused at the API edge, not stored and never queued.
 */
export const MAX_PRIORITY = PRIORITY_LIMIT;

/** Dataset URIs of a run (see @ablate/data): `synthetic:shapes?…`, `coco:…`, `voc:…`. */
export const DatasetRefSchema = z.object({ train: z.string().min(1), val: z.string().min(1) }).strict();

/** How a sweep picks its configurations: every grid point, or `budget` samples of a space. */
export const SEARCHES = ['grid', 'random', 'sobol'] as const;

/**
 * What a client submits to `POST /sweeps` (the JSON body), before validation of the grid values.
 *
 * ```json
 * { "name": "focal", "dataset": { "train": "synthetic:shapes?n=64", "val": "synthetic:shapes?n=16&seed=1" },
 *   "base": { "train": { "steps": 200 } },
 *   "grid": { "gamma": [0, 1, 2], "alpha": [0.25, 0.75] },
 *   "seeds": 2, "priority": 10 }
 * ```
 *
 * A random or sobol sweep gives `space` instead of `grid`, and a `budget`:
 *
 * ```json
 * { "search": "random", "samplerSeed": 7, "budget": 20, "seeds": 2,
 *   "space": { "gamma": { "uniform": [0, 5], "q": 0.5 }, "lr": { "loguniform": [0.0001, 0.1] },
 *              "anchorScales": { "int": [1, 4] }, "norm": ["batch", "group"] } }
 * ```
 */
export const SweepSpecInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).optional(),
    /** Tags and a note (their rules are @ablate/contract's); PATCH /sweeps/:id edits them later. */
    tags: TagsSchema.optional(),
    note: NoteSchema.optional(),
    dataset: DatasetRefSchema,
    /** A RunConfig without `dataset` (given above) and without `seed` (given by `seeds`); defaults fill the rest. */
    base: z.record(z.string(), z.unknown()).default({}),
    /**
     * Config path (or alias: gamma, alpha, anchorScales, aspectRatios, phi, arch, norm, fusion, lr)
     * → the values it takes. The runs are the cartesian product of the lists.
     */
    grid: z.record(z.string(), z.array(z.unknown())).optional(),
    /** 'grid' (the default): the cartesian product of `grid`; 'random' or 'sobol': `budget` samples of `space`. */
    search: z.enum(SEARCHES).default('grid'),
    /**
     * Random and sobol sweeps: config path (or alias) → a list of values (a choice), or a
     * distribution `{choice: […]}`, `{uniform: [lo, hi]}`, `{loguniform: [lo, hi]}`, `{int: [lo, hi]}`,
     * the last three with an optional `q` (a multiple of q inside the bounds). Checked in space-spec.ts.
     */
    space: z.record(z.string(), z.unknown()).optional(),
    /** Random and sobol sweeps: the number of configurations sampled (each trained once per seed). */
    budget: z.number().int().min(1).max(100_000).optional(),
    /** Random sweeps: the seed of the sampler (the same spec gives the same runs, in the same order). @defaultValue 0 */
    samplerSeed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
    /** Seeds to repeat every grid point with: a list, or a count n for seeds 0..n−1. @defaultValue [base.seed ?? 0] */
    seeds: z.union([z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1), z.number().int().min(1).max(100)]).optional(),
    /** BullMQ priority of the sweep's train jobs, 1 (most urgent) … 2^21 − 1. */
    priority: z.number().int().min(1).max(MAX_PRIORITY).optional(),
    /** ASHA early stopping (asha.ts): runs start at `minSteps` and go on by rungs while in the top 1/η. */
    earlyStopping: EarlyStoppingSchema.optional(),
  })
  .strict();

export type SweepSpecInput = z.input<typeof SweepSpecInputSchema>;

/** One axis of a validated grid. */
export interface GridAxis {
  /** The key as the user wrote it (alias or path), used in error messages. */
  key: string;
  /** The canonical RunConfig path. */
  path: ConfigPath;
  /** The values, each already validated (as parsed by RunConfigSchema, defaults applied inside). */
  values: unknown[];
}

/** A validated, normalised sweep spec: what `expandSweep` takes and what the store keeps. */
export interface SweepSpec {
  name: string;
  description?: string;
  tags?: string[];
  note?: string;
  dataset: { train: string; val: string };
  /** The base config as given (dataset and seed excluded). */
  base: Record<string, unknown>;
  /** The grid's axes; empty for a random or sobol sweep. */
  grid: GridAxis[];
  /** Absent for a grid sweep (so the specs stored before sampling read as they were). */
  search?: 'random' | 'sobol';
  /** A random or sobol sweep's space, in the order given (sobol's dimension d is axis d). */
  space?: SpaceAxis[];
  /** A random or sobol sweep's number of sampled configurations. */
  budget?: number;
  /** A random sweep's sampler seed (0 when not given). */
  samplerSeed?: number;
  seeds: number[];
  priority?: number;
  earlyStopping?: EarlyStopping;
}

/** The config paths a sweep varies, in the order given: its grid's or its space's. */
export function variedPaths(spec: Pick<SweepSpec, 'grid' | 'space'>): ConfigPath[] {
  return [...spec.grid, ...(spec.space ?? [])].map((a) => a.path);
}

export interface SweepValidationOptions {
  /** Largest number of runs (grid product × seeds) accepted. @defaultValue 1000 */
  maxRuns?: number;
}

/**
 * Validates a submitted sweep spec and normalises it, or throws a ValidationError naming each
 * offending field: `name`, `dataset.train`, `base.loss.gamma`, `grid.phi` (unknown path),
 * `grid.gamma[1]` (a value RunConfigSchema rejects: γ < 0, α outside [0, 1] and ≠ −1, φ outside
 * 0..7, wrong type …), `grid.alpha` (empty list), `grid` (no axes, or over `maxRuns` runs).
 *
 * Each grid value is checked by building the full RunConfig with that value at its path and
 * running it through RunConfigSchema, so the rules live in one place (@ablate/detection).
 */
export function validateSweepSpec(input: unknown, options: SweepValidationOptions = {}): SweepSpec {
  const maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS_PER_SWEEP;
  const parsed = SweepSpecInputSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(issuesFromZod(parsed.error), 'sweep spec');
  const spec = parsed.data;
  const issues: FieldIssue[] = misplacedSearchFields(spec);

  const archs = sweepArchs(spec.base, spec.search === 'grid' ? (spec.grid ?? {}) : spaceArchChoices(spec.space ?? {}));
  const baseOk = validateBase(spec.base, spec.dataset, archs, issues);
  const seeds = resolveSeeds(spec.seeds, spec.base);
  // With a broken base every grid value would fail for the base's reasons: check the values
  // against the defaults instead, so both kinds of mistake are reported at once.
  const checkBase = baseOk ? { ...spec.base, dataset: spec.dataset } : { dataset: spec.dataset };
  const varied: { grid?: GridAxis[]; space?: SpaceAxis[] } =
    spec.search === 'grid'
      ? { grid: validateGridSweep(spec.grid ?? {}, checkBase, archs, seeds, maxRuns, issues) }
      : validateSampledSweep({ ...spec, search: spec.search }, checkBase, archs, seeds, maxRuns, issues);
  if (spec.earlyStopping) issues.push(...earlyStoppingIssues(spec.base, [...(varied.grid ?? []).map((a) => ({ ...a, field: 'grid' })), ...(varied.space ?? []).map((a) => ({ ...a, field: 'space' }))]));
  if (issues.length > 0) throw new ValidationError(issues, 'sweep spec');

  return {
    name: spec.name,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(spec.tags !== undefined ? { tags: spec.tags } : {}),
    ...(spec.note !== undefined ? { note: spec.note } : {}),
    dataset: spec.dataset,
    base: spec.base,
    grid: varied.grid ?? [],
    ...(varied.space !== undefined ? { search: spec.search as 'random' | 'sobol', space: varied.space, budget: spec.budget!, ...(spec.search === 'random' ? { samplerSeed: spec.samplerSeed ?? 0 } : {}) } : {}),
    seeds,
    ...(spec.priority !== undefined ? { priority: spec.priority } : {}),
    ...(spec.earlyStopping !== undefined ? { earlyStopping: spec.earlyStopping } : {}),
  };
}

type ParsedSpecInput = z.output<typeof SweepSpecInputSchema>;

/** The fields of the other kind of search: `space` on a grid sweep, `grid` on a random one, a seed for sobol. */
function misplacedSearchFields(spec: ParsedSpecInput): FieldIssue[] {
  if (spec.search === 'grid') {
    return (['space', 'budget', 'samplerSeed'] as const)
      .filter((f) => spec[f] !== undefined)
      .map((f) => ({ path: f, message: "applies to search 'random' or 'sobol'; a grid sweep trains every point of `grid`" }));
  }
  const issues: FieldIssue[] = [];
  if (spec.grid !== undefined) issues.push({ path: 'grid', message: `applies to search 'grid'; a ${spec.search} sweep samples the parameters of \`space\`` });
  if (spec.budget === undefined) issues.push({ path: 'budget', message: `required with search '${spec.search}': the number of configurations to sample` });
  if (spec.search === 'sobol' && spec.samplerSeed !== undefined) {
    issues.push({ path: 'samplerSeed', message: "sobol points are unscrambled, so the same for every seed; samplerSeed applies to search 'random'" });
  }
  return issues;
}

/** A grid sweep's axes, and its run count against `maxRuns`. */
function validateGridSweep(grid: Record<string, unknown[]>, base: Record<string, unknown>, archs: string[], seeds: number[], maxRuns: number, issues: FieldIssue[]): GridAxis[] {
  const axes = validateGrid(grid, base, archs, issues);
  if (Object.keys(grid).length === 0) {
    issues.push({ path: 'grid', message: 'must vary at least one parameter (POST /runs trains a single config)' });
  }
  const runs = axes.reduce((n, axis) => n * axis.values.length, 1) * seeds.length;
  if (runs > maxRuns) {
    const factors = [...axes.map((a) => `${a.values.length} ${a.key}`), `${seeds.length} seeds`].join(' × ');
    issues.push({ path: 'grid', message: `expands to ${runs} runs (${factors}), over the limit of ${maxRuns}` });
  }
  return axes;
}

/** A random or sobol sweep's space, its budget × seeds against `maxRuns`, and (when all else is valid) its samples. */
function validateSampledSweep(
  spec: ParsedSpecInput & { search: 'random' | 'sobol' },
  checkBase: Record<string, unknown>,
  archs: string[],
  seeds: number[],
  maxRuns: number,
  issues: FieldIssue[],
): { space: SpaceAxis[] } {
  const raw = spec.space ?? {};
  const { dataset, ...base } = checkBase;
  const space = validateSpace(raw, checkBase, archs, issues);
  if (Object.keys(raw).length === 0) issues.push({ path: 'space', message: `must vary at least one parameter (search '${spec.search}')` });
  const runs = (spec.budget ?? 0) * seeds.length;
  if (runs > maxRuns) issues.push({ path: 'budget', message: `${spec.budget} configurations × ${seeds.length} seeds = ${runs} runs, over the limit of ${maxRuns}` });
  if (issues.length === 0) checkSamples({ search: spec.search, space, budget: spec.budget!, samplerSeed: spec.samplerSeed, base: spec.base }, { base, dataset }, issues);
  return { space };
}

/**
 * Checks the base with the sweep's dataset as a whole RunConfig of each of the sweep's
 * architectures; issues go to `base.*`. A section none of them reads is refused. True when valid.
 */
function validateBase(base: Record<string, unknown>, dataset: SweepSpec['dataset'], archs: string[], issues: FieldIssue[]): boolean {
  const before = issues.length;
  if ('dataset' in base) issues.push({ path: 'base.dataset', message: 'give the dataset at the top level (dataset.train, dataset.val)' });
  for (const section of Object.keys(base)) {
    const unread = unreadPathMessage(archs, section);
    if (unread !== undefined) issues.push({ path: `base.${section}`, message: unread });
  }
  const seen = new Set(issues.map((i) => `${i.path}\0${i.message}`));
  for (const arch of archs) {
    const result = RunConfigSchema.safeParse(asRunOf({ ...base, dataset }, arch));
    if (result.success) continue;
    for (const issue of issuesFromZod(result.error)) {
      if (issue.path.startsWith('dataset')) continue; // the top-level dataset was validated already
      const found = { ...issue, path: `base.${issue.path}` };
      if (seen.has(`${found.path}\0${found.message}`)) continue;
      seen.add(`${found.path}\0${found.message}`);
      issues.push(found);
    }
  }
  return issues.length === before;
}

function resolveSeeds(seeds: number[] | number | undefined, base: Record<string, unknown>): number[] {
  if (Array.isArray(seeds)) return [...seeds];
  if (typeof seeds === 'number') return Array.from({ length: seeds }, (_, i) => i);
  return [typeof base['seed'] === 'number' ? base['seed'] : 0];
}

function validateGrid(grid: Record<string, unknown[]>, base: Record<string, unknown>, archs: string[], issues: FieldIssue[]): GridAxis[] {
  const axes: GridAxis[] = [];
  const seen = new Map<ConfigPath, string>();
  for (const [key, values] of Object.entries(grid)) {
    const path = resolveAxisKey('grid', key, seen, archs, issues);
    if (path === undefined) continue;
    if (values.length === 0) {
      issues.push({ path: `grid.${key}`, message: 'must list at least one value' });
      continue;
    }
    axes.push({ key, path, values: validateAxisValues(key, path, values, base, archs, issues) });
  }
  return axes;
}

function validateAxisValues(
  key: string,
  path: ConfigPath,
  values: unknown[],
  base: Record<string, unknown>,
  archs: string[],
  issues: FieldIssue[],
): unknown[] {
  const out: unknown[] = [];
  const firstIndexOf = new Map<string, number>();
  values.forEach((value, i) => {
    const where = `grid.${key}[${i}]`;
    const check = checkValue(path, value, base, archs);
    if (!check.ok) {
      for (const issue of check.issues) issues.push({ path: where + issue.suffix, message: issue.message });
      return;
    }
    const canonical = JSON.stringify(check.value) ?? 'undefined';
    const first = firstIndexOf.get(canonical);
    if (first !== undefined) {
      issues.push({ path: where, message: `duplicates grid.${key}[${first}]` });
      return;
    }
    firstIndexOf.set(canonical, i);
    out.push(check.value);
  });
  return out;
}

/** Under early stopping the rungs set each run's steps: the base, the grid and the space may not. */
function earlyStoppingIssues(base: Record<string, unknown>, axes: { field: string; key: string; path: ConfigPath }[]): FieldIssue[] {
  const message = 'is set by earlyStopping (runs start at minSteps and are extended by rungs up to maxSteps)';
  return [
    ...(getPath(base, 'train.steps') !== undefined ? [{ path: 'base.train.steps', message }] : []),
    ...axes.filter((a) => a.path === 'train.steps').map((a) => ({ path: `${a.field}.${a.key}`, message })),
  ];
}

/** The RunConfig of one grid point and seed. Throws if the combination is invalid (the values were checked one by one). */
export function buildRunConfig(spec: SweepSpec, params: Record<ConfigPath, unknown>, seed: number): RunConfig {
  let config: Record<string, unknown> = { ...spec.base, dataset: spec.dataset };
  for (const [path, value] of Object.entries(params)) config = setPath(config, path, value);
  config = setPath(config, 'seed', seed);
  // Under early stopping every run starts with the first rung's budget; promotions extend it.
  if (spec.earlyStopping) config = setPath(config, 'train.steps', spec.earlyStopping.minSteps);
  // The base may hold sections for the sweep's other architectures (validated against those).
  const result = RunConfigSchema.safeParse(dropForeignSections(config));
  if (!result.success) throw new ValidationError(issuesFromZod(result.error, 'grid'), 'sweep grid point');
  return result.data;
}
