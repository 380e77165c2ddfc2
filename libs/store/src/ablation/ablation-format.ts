import type { AblationCell, AblationTable } from './ablation-table';

/** AP as the papers print it: ×100, one decimal (RetinaNet Table 1: "34.0"). */
function pct(x: number): string {
  return (100 * x).toFixed(1);
}

function cellText(c: AblationCell | undefined): string {
  if (!c || c.mean === null) return '—';
  return c.std === null ? pct(c.mean) : `${pct(c.mean)} ± ${pct(c.std)}`;
}

function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? '';
}

function headerOf(table: AblationTable): string[] {
  if (table.mode === 'list') return [...table.rows, 'runs', ...table.columns];
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
    lines.push(`| ${[...keys, ...(table.mode === 'list' ? [String(e.runs)] : []), ...cells].join(' | ')} |`);
  }
  const caption = table.mode === 'pivot' ? `${table.metric} (×100, mean ± std over runs)` : 'COCO metrics (×100, mean ± std over runs)';
  return `${caption}\n\n${lines.join('\n')}\n`;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with raw fractions: `<col>_mean`, `<col>_std`, `<col>_n` per column, for spreadsheets and scripts. */
export function ablationToCsv(table: AblationTable): string {
  const colNames = table.mode === 'list' ? table.columns : headerOf(table).slice(table.rows.length);
  const header = [...table.rows, 'runs', ...colNames.flatMap((c) => [`${c}_mean`, `${c}_std`, `${c}_n`])];
  const lines = [header.map(csvField).join(',')];
  for (const e of table.entries) {
    const keys = table.rows.map((p) => valueText(e.key[p]));
    const cells = table.columns.flatMap((c) => {
      const x = e.cells[c];
      return [x?.mean ?? '', x?.std ?? '', x?.n ?? 0].map(String);
    });
    lines.push([...keys, String(e.runs), ...cells].map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}
