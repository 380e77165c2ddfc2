import { getPath, resolveConfigPath } from '@ablate/jobs';
import type { RunConfig } from '@ablate/detection';
import { EVALUATION_STAT_NAMES, SEGM_STAT_NAMES, type EvaluationStatName, type SegmStatName } from '../entities';

/** A metric an ablation table can show: a bbox stat (`AP`) or, for detectors with masks, a segm one (`segm.AP`). */
export type AblationMetric = EvaluationStatName | SegmStatName;
const METRIC_NAMES: readonly string[] = [...EVALUATION_STAT_NAMES, ...SEGM_STAT_NAMES];

/** One completed run with its final evaluation: the input of an ablation table. */
export interface AblationSample {
  runId: string;
  sweepId: string | null;
  config: RunConfig;
  seed: number;
  stats: Partial<Record<AblationMetric, number>>;
}

/** The metrics of a list-mode table, as in RetinaNet Table 1 (AP, AP50, AP75, APS, APM, APL). */
export const ABLATION_METRICS: readonly EvaluationStatName[] = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl'];
/** The mask AP columns a list-mode table adds when some run has segm stats (Mask R-CNN Table 2's mask AP, AP50, AP75 …). */
export const SEGM_ABLATION_METRICS: readonly SegmStatName[] = ABLATION_METRICS.map((k) => `segm.${k}` as const);

/** Mean ± sample standard deviation of a metric over the runs of a cell. */
export interface AblationCell {
  mean: number | null;
  /** Sample std (n − 1 in the denominator); null with fewer than 2 values. */
  std: number | null;
  /** Runs contributing (those with the metric ≥ 0; pycocotools' −1 means "no ground truth" and is skipped). */
  n: number;
}

export interface AblationRow {
  /** Config path → value of this row. */
  key: Record<string, unknown>;
  /** List mode: metric name → cell. Pivot mode: JSON of the column value → cell of `metric`. */
  cells: Record<string, AblationCell>;
  /** Runs in the row (all seeds and, in list mode, all values of the paths not in `rows`). */
  runs: number;
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
  /** Completed runs the table was built from. */
  samples: number;
}

export interface AblationQuery {
  /** Config paths or aliases for the rows. @defaultValue the varied paths */
  rows?: string[];
  /** Config path or alias for the columns of a pivot. */
  cols?: string | null;
  /** Metric of a pivot, bbox (`AP`) or mask (`segm.AP`) (list mode shows ABLATION_METRICS, plus SEGM_ABLATION_METRICS when a run has them). @defaultValue 'AP' */
  metric?: AblationMetric;
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
 * Groups samples into an ablation table. Values are read from each run's config, so any RunConfig
 * path works, varied or not, and tables can span sweeps. Runs that differ only in a path not in
 * `rows`/`cols` (seeds, other grid axes) are pooled into the same cell.
 */
export function buildAblationTable(samples: AblationSample[], query: AblationQuery, defaultRows: string[]): AblationTable {
  const rows = (query.rows && query.rows.length > 0 ? query.rows : defaultRows).map((r) => checkPath('rows', r));
  const cols = query.cols ? checkPath('cols', query.cols) : null;
  const metric = query.metric ?? 'AP';
  if (!METRIC_NAMES.includes(metric)) {
    throw new AblationQueryError('metric', `unknown metric ${metric}; one of ${METRIC_NAMES.join(', ')}`);
  }
  const groups = groupBy(samples, (s) => rows.map((p) => getPath(s.config, p)));
  if (cols === null) {
    const hasSegm = samples.some((s) => s.stats['segm.AP'] !== undefined);
    const metrics: AblationMetric[] = [...ABLATION_METRICS, ...(hasSegm ? SEGM_ABLATION_METRICS : [])];
    const entries = groups.map(({ key, items }) => ({
      key: keyObject(rows, key),
      cells: Object.fromEntries(metrics.map((m) => [m, cell(items.map((s) => s.stats[m]))])),
      runs: items.length,
    }));
    return { mode: 'list', rows, cols: null, metric: null, columns: metrics, entries, samples: samples.length };
  }
  const colValues = groupBy(samples, (s) => [getPath(s.config, cols)]).map((g) => JSON.stringify(g.key[0]));
  const entries = groups.map(({ key, items }) => {
    const byCol = new Map(groupBy(items, (s) => [getPath(s.config, cols)]).map((g) => [JSON.stringify(g.key[0]), g.items]));
    return {
      key: keyObject(rows, key),
      cells: Object.fromEntries(colValues.map((c) => [c, cell((byCol.get(c) ?? []).map((s) => s.stats[metric]))])),
      runs: items.length,
    };
  });
  return { mode: 'pivot', rows, cols, metric, columns: colValues, entries, samples: samples.length };
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
  if (n === 0) return { mean: null, std: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: null, n };
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(variance), n };
}
