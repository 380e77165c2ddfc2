import type { AblationTable, ComparisonCell, RecipeComparison } from '@ablate/contract';
import type { RecipeDefinition } from './recipe';
import { spearman } from './spearman';

type Key = Record<string, unknown>;
type Cell = NonNullable<ComparisonCell['ablate']>;

/**
 * The cells of an ablation table (GET /sweeps/:id/ablation as JSON), each keyed by every config
 * path of the table: a pivot's column value joins its row's key; a list's `metric` column is
 * taken (a row without it, all its runs failed, is a cell with no mean).
 */
export function ablationCells(table: AblationTable, metric: string): { key: Key; cell: Cell }[] {
  if (table.mode === 'pivot') {
    if (table.metric !== metric) throw new Error(`the table pivots ${table.metric}, not ${metric}`);
    return table.entries.flatMap((e) => Object.entries(e.cells).map(([col, cell]) => ({ key: { ...e.key, [table.cols!]: JSON.parse(col) as unknown }, cell })));
  }
  return table.entries.map((e) => ({ key: e.key, cell: e.cells[metric] ?? { mean: null, std: null, n: 0, failed: e.failed } }));
}

/** One string per setting, comparing values as JSON (0.25, [0.5, 1, 2], 'fast'). */
function keyId(key: Key, axes: readonly string[]): string {
  return axes.map((p) => JSON.stringify(key[p])).join('\u0000');
}

/** The paper's cells beside Ablate's: the paper's in its order, then the settings only Ablate ran. */
function joinCells(recipe: RecipeDefinition, axes: string[], table: AblationTable): ComparisonCell[] {
  const ablate = new Map(ablationCells(table, recipe.metric).map((c) => [keyId(c.key, axes), c]));
  const cells: ComparisonCell[] = recipe.paper.cells.map((p) => ({ key: p.key, paper: p.value, ablate: ablate.get(keyId(p.key, axes))?.cell ?? null }));
  const inPaper = new Set(recipe.paper.cells.map((p) => keyId(p.key, axes)));
  for (const [id, c] of ablate) if (!inPaper.has(id)) cells.push({ key: c.key, paper: null, ablate: c.cell });
  return cells;
}

interface Both {
  key: Key;
  /** The paper's number as "higher is better" (an error negated). */
  paper: number;
  ablate: Cell & { mean: number };
}

function bothOf(cells: ComparisonCell[], better: 'higher' | 'lower'): Both[] {
  return cells.flatMap((c) =>
    c.paper !== null && c.ablate !== null && c.ablate.mean !== null ? [{ key: c.key, paper: better === 'lower' ? -c.paper : c.paper, ablate: c.ablate as Both['ablate'] }] : [],
  );
}

/** The first element with the largest score. */
function argmax<T>(items: readonly T[], score: (t: T) => number): T | undefined {
  return items.reduce<T | undefined>((best, t) => (best === undefined || score(t) > score(best) ? t : best), undefined);
}

export function settingText(key: Key): string {
  return Object.entries(key)
    .map(([path, value]) => `${path} = ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

/** AP as the papers print it: ×100, one decimal. */
const pct = (x: number) => (100 * x).toFixed(1);

/**
 * Whether the paper's best setting (among those Ablate has a result for) is Ablate's best, or
 * within the larger std of the two cells of Ablate's best mean; said plainly either way.
 */
function bestSettings(cells: ComparisonCell[], both: Both[], metric: string): RecipeComparison['best'] {
  const ran = cells.filter((c): c is ComparisonCell & { ablate: Both['ablate'] } => c.ablate !== null && c.ablate.mean !== null);
  const ablateBest = argmax(ran, (c) => c.ablate.mean);
  const paperBest = argmax(both, (b) => b.paper);
  if (!paperBest || !ablateBest) {
    return { paper: paperBest?.key ?? null, ablate: ablateBest?.key ?? null, agree: null, verdict: 'Cannot tell: no setting has both the paper’s number and an Ablate result yet.' };
  }
  const p = paperBest.ablate;
  const a = ablateBest.ablate;
  const keys = { paper: paperBest.key, ablate: ablateBest.key };
  const paperText = `the paper’s best setting (${settingText(paperBest.key)})`;
  if (keyId(paperBest.key, Object.keys(paperBest.key)) === keyId(ablateBest.key, Object.keys(paperBest.key))) {
    return { ...keys, agree: true, verdict: `Agree: ${paperText} is Ablate’s best too (${metric} ${pct(a.mean)}).` };
  }
  const gap = a.mean - p.mean;
  const tolerance = Math.max(a.std ?? 0, p.std ?? 0);
  const where = `${pct(p.mean)}${p.std !== null ? ` ± ${pct(p.std)}` : ''} in Ablate, ${pct(gap)} below Ablate’s best (${settingText(ablateBest.key)}: ${pct(a.mean)}${a.std !== null ? ` ± ${pct(a.std)}` : ''})`;
  if (gap <= tolerance) {
    return { ...keys, agree: true, verdict: `Agree within std: ${paperText} scores ${where}, within its std (${pct(tolerance)}).` };
  }
  const noStd = a.std === null && p.std === null ? ' (single runs: no std to allow for)' : '';
  return { ...keys, agree: false, verdict: `Disagree: ${paperText} scores ${where}, more than the std (${pct(tolerance)})${noStd}.` };
}

function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function paperText(v: number | null): string {
  if (v === null) return '—';
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

function ablateText(c: Cell | null): string {
  if (c === null) return 'not run';
  const failed = c.failed > 0 ? ` (${c.failed} failed)` : '';
  if (c.mean === null) return `—${failed}`;
  return `${pct(c.mean)}${c.std !== null ? ` ± ${pct(c.std)}` : ''} (n=${c.n})${failed}`;
}

/** The paper's table alone as Markdown (`ablate recipe show`): one row per cell, keyed by config values. */
export function paperTableMarkdown(recipe: RecipeDefinition): string {
  const axes = [...recipe.rows, ...(recipe.cols !== undefined ? [recipe.cols] : [])];
  const { source } = recipe.paper;
  const header = [...axes, `${recipe.paper.metric} (${recipe.paper.better} is better)`];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const cell of recipe.paper.cells) lines.push(`| ${[...axes.map((p) => valueText(cell.key[p])), paperText(cell.value)].join(' | ')} |`);
  return [`${source.paper}, ${source.table} (${source.url}) — ${recipe.paper.caption}`, '', ...lines, ''].join('\n');
}

/** The comparison as Markdown: the source, a table (setting | paper | Ablate), ρ, the best settings. */
function comparisonMarkdown(recipe: RecipeDefinition, c: Omit<RecipeComparison, 'markdown'>): string {
  const { source } = recipe.paper;
  const header = [...c.axes, `paper ${recipe.paper.metric}`, `Ablate ${c.metric} (×100, mean ± std over seeds)`];
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const cell of c.cells) lines.push(`| ${[...c.axes.map((p) => valueText(cell.key[p])), paperText(cell.paper), ablateText(cell.ablate)].join(' | ')} |`);
  const negated = recipe.paper.better === 'lower' ? `; the paper’s ${recipe.paper.metric} is lower-is-better, so its order is reversed` : '';
  const rho =
    c.spearman.rho === null
      ? `Spearman rank correlation: undefined (${c.spearman.n} cell${c.spearman.n === 1 ? '' : 's'} with both numbers${c.spearman.n >= 2 ? ', one side constant' : ''}).`
      : `Spearman rank correlation over the ${c.spearman.n} cells with both numbers (ties averaged${negated}): ρ = ${c.spearman.rho.toFixed(2)}.`;
  return [
    `### ${recipe.title}`,
    '',
    `Paper: ${source.paper}, ${source.table}${source.page !== undefined ? `, p. ${source.page}` : ''} (${source.url}) — ${recipe.paper.caption}.`,
    `Ablate: sweep ${c.sweepId}, ${c.samples} ended run${c.samples === 1 ? '' : 's'}.`,
    '',
    ...lines,
    '',
    rho,
    '',
    `Best setting: ${c.best.verdict}`,
    '',
  ].join('\n');
}

/**
 * The paper's table beside a recipe sweep's ablation table (JSON, pivot or list mode, keyed by
 * the recipe's rows and cols): both numbers per setting, Spearman's ρ over the settings with
 * both, and whether the best settings agree. Pure: the caller fetches the table.
 */
export function compareRecipe(recipe: RecipeDefinition, table: AblationTable, sweepId: string): RecipeComparison {
  const axes = [...recipe.rows, ...(recipe.cols !== undefined ? [recipe.cols] : [])];
  const cells = joinCells(recipe, axes, table);
  const both = bothOf(cells, recipe.paper.better);
  const { cells: _cells, ...paper } = recipe.paper;
  const comparison = {
    recipe: recipe.name,
    sweepId,
    paper,
    metric: recipe.metric,
    axes,
    cells,
    samples: table.samples,
    spearman: { rho: spearman(both.map((b) => b.paper), both.map((b) => b.ablate.mean)), n: both.length },
    best: bestSettings(cells, both, recipe.metric),
  };
  return { ...comparison, markdown: comparisonMarkdown(recipe, comparison) };
}
