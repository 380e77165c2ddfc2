import { getPath, resolveConfigPath } from '@ablate/jobs';
import type { RunConfig } from '@ablate/detection';
import type { EvaluationStatName } from '../entities';
import { ConflictError } from '../errors';

/**
 * A metric an ablation table can show: a stored stat of the runs' final evaluations, named
 * `<name>` for bbox (`AP`) and `<iouType>.<name>` for the others (`segm.AP`, `keypoints.AR50`).
 */
export type AblationMetric = string;

/** The ablation metric of a stored stat: bbox's bare (`AP`), the other iou types' prefixed (`segm.AP`). */
export function ablationMetricName(iouType: string, metric: string): AblationMetric {
  return iouType === 'bbox' ? metric : `${iouType}.${metric}`;
}

/**
 * One ended run with its final evaluation: the input of an ablation table. A failed or diverged
 * run has no stats; it is counted in its cell's `failed`, so a table never hides a failure.
 */
export interface AblationSample {
  runId: string;
  sweepId: string | null;
  config: RunConfig;
  seed: number;
  /** @defaultValue 'completed' */
  status?: 'completed' | 'failed' | 'diverged';
  stats: Partial<Record<AblationMetric, number>>;
}

/**
 * The metrics of a list-mode table, as in RetinaNet Table 1 (AP, AP50, AP75, APS, APM, APL); the
 * same names of every other iou type some run has follow (Mask R-CNN Table 2's mask AP, AP50 …).
 */
export const ABLATION_METRICS: readonly EvaluationStatName[] = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl'];

/** Mean ± sample standard deviation of a metric over the runs of a cell. */
export interface AblationCell {
  mean: number | null;
  /** Sample std (n − 1 in the denominator); null with fewer than 2 values. */
  std: number | null;
  /** Runs contributing (those with the metric ≥ 0; pycocotools' −1 means "no ground truth" and is skipped). */
  n: number;
  /** Runs of the cell that failed or diverged, so have no value. */
  failed: number;
}

export interface AblationRow {
  /** Config path → value of this row. */
  key: Record<string, unknown>;
  /** List mode: metric name → cell. Pivot mode: JSON of the column value → cell of `metric`. */
  cells: Record<string, AblationCell>;
  /** Runs in the row (all seeds and, in pivot mode, all values of `cols`), failed ones included. */
  runs: number;
  /** Runs of the row that failed or diverged. */
  failed: number;
}

export interface AblationTable {
  /** 'list': one row per combination of `rows`, a column per metric; 'pivot': rows × values of `cols`, one metric. */
  mode: 'list' | 'pivot';
  rows: string[];
  cols: string | null;
  /** The metric of a pivot; null in list mode. */
  metric: AblationMetric | null;
  /** Column keys of `cells`: metric names (list) or JSON of the column values (pivot), sorted. */
  columns: string[];
  entries: AblationRow[];
  /** Ended runs the table was built from (completed, failed and diverged). */
  samples: number;
  /** Config paths over which runs of one cell were allowed to differ (`pool`), besides the seed. */
  pooled: string[];
}

export interface AblationQuery {
  /** Config paths or aliases for the rows. @defaultValue the varied paths */
  rows?: string[];
  /** Config path or alias for the columns of a pivot. */
  cols?: string | null;
  /**
   * Metric of a pivot, bbox (`AP`) or another iou type's (`segm.AP`): one some run of the table
   * has (list mode shows ABLATION_METRICS of every iou type present). @defaultValue 'AP'
   */
  metric?: AblationMetric;
  /**
   * Config paths or aliases over which a cell may average runs that differ (e.g. `loss.alpha`
   * for a γ table marginalised over α). Only seeds are pooled without being named.
   * @defaultValue none
   */
  pool?: string[];
}

/** An ablation query naming an unknown path or metric (the API answers 400). */
export class AblationQueryError extends Error {
  override readonly name = 'AblationQueryError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/**
 * A table would average runs whose configurations differ in paths that are neither its rows, its
 * cols, the seed nor named in `pool` (the API answers 409): 40-step and 60-step runs are not
 * repeats of one experiment.
 */
export class AblationPoolingError extends ConflictError {
  constructor(readonly differing: { path: string; values: unknown[] }[]) {
    super(
      `runs of one cell differ in ${differing.map((d) => `${d.path} (${d.values.map((v) => JSON.stringify(v)).join(' vs ')})`).join(', ')}; ` +
        `add ${differing.length === 1 ? 'it' : 'them'} to rows or cols to split the runs, or to pool=… to average over ${differing.length === 1 ? 'it' : 'them'}`,
    );
  }
}

/** Paths never pooled silently apart from these: the seed is what repeats an experiment. */
const ALWAYS_POOLED = ['seed'];

/**
 * Groups samples into an ablation table. Values are read from each run's config, so any RunConfig
 * path works, varied or not, and tables can span sweeps. A cell holds runs whose configs agree
 * everywhere but in the seed and the `pool` paths; otherwise AblationPoolingError names the rest.
 */
export function buildAblationTable(samples: AblationSample[], query: AblationQuery, defaultRows: string[]): AblationTable {
  const rows = (query.rows && query.rows.length > 0 ? query.rows : defaultRows).map((r) => checkPath('rows', r));
  const cols = query.cols ? checkPath('cols', query.cols) : null;
  const pooled = (query.pool ?? []).map((p) => checkPath('pool', p));
  const metric = query.metric ?? 'AP';
  const known = knownMetrics(samples);
  if (!known.includes(metric)) {
    throw new AblationQueryError('metric', `unknown metric ${metric}; one of ${known.join(', ')}`);
  }
  const cellPaths = cols === null ? rows : [...rows, cols];
  checkPooling(groupBy(samples, (s) => cellPaths.map((p) => getPath(s.config, p))), new Set([...cellPaths, ...pooled, ...ALWAYS_POOLED]));
  const groups = groupBy(samples, (s) => rows.map((p) => getPath(s.config, p)));
  const failedIn = (items: AblationSample[]): number => items.filter(isFailed).length;
  if (cols === null) {
    const metrics = listColumns(samples);
    const entries = groups.map(({ key, items }) => ({
      key: keyObject(rows, key),
      cells: Object.fromEntries(metrics.map((m) => [m, sampleCell(items, m)])),
      runs: items.length,
      failed: failedIn(items),
    }));
    return { mode: 'list', rows, cols: null, metric: null, columns: metrics, entries, samples: samples.length, pooled };
  }
  const colValues = groupBy(samples, (s) => [getPath(s.config, cols)]).map((g) => JSON.stringify(g.key[0]));
  const entries = groups.map(({ key, items }) => {
    const byCol = new Map(groupBy(items, (s) => [getPath(s.config, cols)]).map((g) => [JSON.stringify(g.key[0]), g.items]));
    return {
      key: keyObject(rows, key),
      cells: Object.fromEntries(colValues.map((c) => [c, sampleCell(byCol.get(c) ?? [], metric)])),
      runs: items.length,
      failed: failedIn(items),
    };
  });
  return { mode: 'pivot', rows, cols, metric, columns: colValues, entries, samples: samples.length, pooled };
}

/**
 * The metrics a query may name: those some sample has, and the bbox list-mode ones, which a table
 * always shows (a sweep whose runs all failed still has an AP column).
 */
function knownMetrics(samples: AblationSample[]): AblationMetric[] {
  return [...new Set([...ABLATION_METRICS, ...samples.flatMap((s) => Object.keys(s.stats))])];
}

/** List-mode columns: ABLATION_METRICS for bbox, then those of each other iou type present (by name). */
function listColumns(samples: AblationSample[]): AblationMetric[] {
  const present = new Set(samples.flatMap((s) => Object.keys(s.stats)));
  const iouTypes = [...new Set([...present].filter((k) => k.includes('.')).map((k) => k.slice(0, k.indexOf('.'))))].sort();
  const others = iouTypes.flatMap((t) => ABLATION_METRICS.map((m) => ablationMetricName(t, m)).filter((k) => present.has(k)));
  return [...ABLATION_METRICS, ...others];
}

function isFailed(s: AblationSample): boolean {
  return s.status === 'failed' || s.status === 'diverged';
}

/** The cell of `metric` over `items`: mean ± std of the completed runs, and how many failed. */
function sampleCell(items: AblationSample[], metric: AblationMetric): AblationCell {
  return { ...cell(items.filter((s) => !isFailed(s)).map((s) => s.stats[metric])), failed: items.filter(isFailed).length };
}

/** Throws AblationPoolingError when runs of one cell differ in a config path outside `allowed`. */
function checkPooling(cells: { items: AblationSample[] }[], allowed: Set<string>): void {
  const differing = new Map<string, Set<string>>();
  for (const { items } of cells) {
    const values = new Map<string, Set<string>>();
    for (const sample of items) {
      for (const [path, value] of leaves(sample.config)) {
        if (allowed.has(path)) continue;
        const seen = values.get(path) ?? new Set<string>();
        seen.add(JSON.stringify(value));
        values.set(path, seen);
      }
    }
    // A path present in some runs' configs only (an older config without a newer field) differs too.
    for (const [path, seen] of values) {
      const missing = items.some((s) => getPath(s.config, path) === undefined);
      if (seen.size > 1 || (missing && seen.size > 0 && items.length > 1)) {
        const all = differing.get(path) ?? new Set<string>();
        for (const v of seen) all.add(v);
        if (missing) all.add('undefined');
        differing.set(path, all);
      }
    }
  }
  if (differing.size > 0) {
    throw new AblationPoolingError(
      [...differing].sort(([a], [b]) => a.localeCompare(b)).map(([path, values]) => ({ path, values: [...values].map((v) => (v === 'undefined' ? null : JSON.parse(v))) })),
    );
  }
}

/** Every leaf of a config as [dotted path, value]; arrays are leaves (anchor scales are one setting). */
function leaves(value: unknown, prefix = ''): [string, unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return prefix ? [[prefix, value]] : [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

function checkPath(field: string, key: string): string {
  const path = resolveConfigPath(key.trim());
  if (!path) throw new AblationQueryError(field, `unknown config path ${key}`);
  return path;
}

function keyObject(paths: string[], values: unknown[]): Record<string, unknown> {
  return Object.fromEntries(paths.map((p, i) => [p, values[i]]));
}

/** Groups by a tuple of values, groups sorted by their values (numbers numerically, others by JSON). */
function groupBy<T>(items: T[], keyOf: (item: T) => unknown[]): { key: unknown[]; items: T[] }[] {
  const map = new Map<string, { key: unknown[]; items: T[] }>();
  for (const item of items) {
    const key = keyOf(item);
    const id = JSON.stringify(key);
    const g = map.get(id);
    if (g) g.items.push(item);
    else map.set(id, { key, items: [item] });
  }
  return [...map.values()].sort((a, b) => compareTuples(a.key, b.key));
}

function compareTuples(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(JSON.stringify(x)).localeCompare(String(JSON.stringify(y)));
    if (c !== 0) return c;
  }
  return 0;
}

/** Mean and sample std of the values ≥ 0 (null / −1 are missing). */
export function cell(values: (number | null | undefined)[]): AblationCell {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0);
  const n = xs.length;
  if (n === 0) return { mean: null, std: null, n: 0, failed: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: null, n, failed: 0 };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(variance), n, failed: 0 };
}
