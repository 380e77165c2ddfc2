import type { AblationCell, AblationTable } from './ablation-table';

/** AP as the papers print it: ×100, one decimal (RetinaNet Table 1: "34.0"). */
function pct(x: number): string {
  return (100 * x).toFixed(1);
}

/** `mean ± std`, then how many runs of the cell failed, if any: a failure never reads as a result. */
export function cellText(c: AblationCell | undefined): string {
  const failed = c && c.failed > 0 ? `${c.failed} failed` : '';
  if (!c || c.mean === null) return failed ? `— (${failed})` : '—';
  const value = c.std === null ? pct(c.mean) : `${pct(c.mean)} ± ${pct(c.std)}`;
  return failed ? `${value} (${failed})` : value;
}

function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? '';
}

function headerOf(table: AblationTable): string[] {
  if (table.mode === 'list') return [...table.rows, 'runs', 'failed', ...table.columns];
  return [...table.rows, ...table.columns.map((c) => `${table.cols}=${valueText(JSON.parse(c))}`)];
}

/**
 * A GitHub-flavoured Markdown table: metrics ×100 with one decimal, "mean ± std" over seeds
 * (std omitted for a single run, "—" for no result). A pivot's caption names its metric.
 */
export function ablationToMarkdown(table: AblationTable): string {
  const header = headerOf(table);
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const e of table.entries) {
    const keys = table.rows.map((p) => valueText(e.key[p]));
    const cells = table.columns.map((c) => cellText(e.cells[c]));
    lines.push(`| ${[...keys, ...(table.mode === 'list' ? [String(e.runs), String(e.failed)] : []), ...cells].join(' | ')} |`);
  }
  const caption = table.mode === 'pivot' ? `${table.metric} (×100, mean ± std over runs)` : 'COCO metrics (×100, mean ± std over runs)';
  return `${caption}\n\n${lines.join('\n')}\n`;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with raw fractions: `<col>_mean`, `<col>_std`, `<col>_n`, `<col>_failed` per column, for spreadsheets and scripts. */
export function ablationToCsv(table: AblationTable): string {
  const colNames = table.mode === 'list' ? table.columns : headerOf(table).slice(table.rows.length);
  const header = [...table.rows, 'runs', 'failed', ...colNames.flatMap((c) => [`${c}_mean`, `${c}_std`, `${c}_n`, `${c}_failed`])];
  const lines = [header.map(csvField).join(',')];
  for (const e of table.entries) {
    const keys = table.rows.map((p) => valueText(e.key[p]));
    const cells = table.columns.flatMap((c) => {
      const x = e.cells[c];
      return [x?.mean ?? '', x?.std ?? '', x?.n ?? 0, x?.failed ?? 0].map(String);
    });
    lines.push([...keys, String(e.runs), String(e.failed), ...cells].map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}
