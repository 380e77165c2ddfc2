import { cellText } from './ablation-format';
import type { AblationTable } from './ablation-table';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function valueText(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? '');
}


/** Series labels: metric names (list) or `cols=value` (pivot). */
function seriesLabels(table: AblationTable): string[] {
  return table.mode === 'list' ? table.columns : table.columns.map((c) => `${table.cols}=${valueText(JSON.parse(c))}`);
}

function rowLabel(table: AblationTable, key: Record<string, unknown>): string {
  return table.rows.map((p) => `${p.split('.').pop()}=${valueText(key[p])}`).join(', ');
}

/**
 * Grouped bar chart as inline SVG: one group per table row, one bar per column, height = mean,
 * whisker = ± std. Axis in the papers' units (×100).
 */
function chart(table: AblationTable): string {
  const W = 860, H = 300, left = 40, bottom = 70, top = 10;
  const series = table.columns;
  const groups = table.entries;
  const max = Math.max(0.01, ...groups.flatMap((g) => series.map((s) => (g.cells[s]?.mean ?? 0) + (g.cells[s]?.std ?? 0))));
  const groupW = (W - left) / Math.max(1, groups.length);
  const barW = Math.max(2, (groupW * 0.8) / Math.max(1, series.length));
  const y = (v: number) => top + (H - top - bottom) * (1 - v / max);
  const parts: string[] = [`<line x1="${left}" y1="${y(0)}" x2="${W}" y2="${y(0)}" stroke="#333"/>`];
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    parts.push(`<text x="${left - 4}" y="${y(v) + 4}" font-size="10" text-anchor="end">${(100 * v).toFixed(0)}</text>`);
  }
  groups.forEach((g, gi) => {
    const x0 = left + gi * groupW + groupW * 0.1;
    series.forEach((s, si) => {
      const c = g.cells[s];
      if (!c || c.mean === null) return;
      const x = x0 + si * barW;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(c.mean).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(y(0) - y(c.mean)).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(cellText(c))}</title></rect>`,
      );
      if (c.std !== null && c.std > 0) {
        const cx = (x + barW / 2 - 0.5).toFixed(1);
        parts.push(`<line x1="${cx}" x2="${cx}" y1="${y(c.mean + c.std).toFixed(1)}" y2="${y(Math.max(0, c.mean - c.std)).toFixed(1)}" stroke="#222"/>`);
      }
    });
    const label = esc(rowLabel(table, g.key));
    parts.push(`<text x="${(x0 + groupW * 0.4).toFixed(1)}" y="${H - bottom + 14}" font-size="10" text-anchor="middle">${label}</text>`);
  });
  const legend = seriesLabels(table)
    .map((l, i) => `<span style="color:${PALETTE[i % PALETTE.length]}">■</span> ${esc(l)}`)
    .join(' &nbsp; ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img">${parts.join('')}</svg><p>${legend}</p>`;
}

/** A self-contained HTML page: the table (×100, mean ± std) and a bar chart with ± std whiskers. */
export function ablationToHtml(table: AblationTable, title: string): string {
  const header = [...table.rows, ...(table.mode === 'list' ? ['runs', 'failed'] : []), ...seriesLabels(table)];
  const rows = table.entries.map((e) => {
    const keys = table.rows.map((p) => valueText(e.key[p]));
    const cells = table.columns.map((c) => cellText(e.cells[c]));
    return `<tr>${[...keys, ...(table.mode === 'list' ? [String(e.runs), String(e.failed)] : []), ...cells].map((x) => `<td>${esc(x)}</td>`).join('')}</tr>`;
  });
  const what = table.mode === 'pivot' ? `${table.metric} by ${table.rows.join(', ')} × ${table.cols}` : `COCO metrics by ${table.rows.join(', ')}`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}</style>
</head><body>
<h1>${esc(title)}</h1>
<p>${esc(what)} — ×100, mean ± sample std over runs; ${table.samples} ended runs, ${table.entries.reduce((n, e) => n + e.failed, 0)} of them failed or diverged.</p>
<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>
${chart(table)}
</body></html>
`;
}
