import type { AblationTable } from '@ablate/contract';
import { meanStd } from './format';

/**
 * LaTeX of an ablation pivot (the API serves CSV, Markdown and JSON; LaTeX is what goes into the
 * paper). Values as percentages with mean ± std, the best mean in bold, as the papers' tables.
 */
export function ablationToLatex(table: AblationTable): string {
  const columns = table.columns;
  const best = Math.max(...table.entries.flatMap((e) => Object.values(e.cells).map((c) => c.mean ?? -Infinity)));
  const escape = (s: string) => s.replace(/([_%&#{}$])/g, '\\$1');
  const head = [...table.rows.map(escape), ...columns.map((c) => escape(table.cols ? `${table.cols}=${c}` : c))];
  const lines = table.entries.map((e) => {
    const keys = table.rows.map((r) => escape(JSON.stringify(e.key[r])));
    const cells = columns.map((c) => {
      const cell = e.cells[c];
      if (!cell || cell.mean === null) return '--';
      const text = meanStd(cell.mean, cell.std).replace('±', '$\\pm$');
      return cell.mean === best ? `\\textbf{${text}}` : text;
    });
    return `${[...keys, ...cells].join(' & ')} \\\\`;
  });
  const caption = table.metric ? `${escape(table.metric)} (\\%), mean $\\pm$ std over seeds` : 'mean $\\pm$ std over seeds (\\%)';
  return [
    '\\begin{table}[t]',
    '\\centering',
    `\\begin{tabular}{${'l'.repeat(table.rows.length)}${'c'.repeat(columns.length)}}`,
    '\\toprule',
    `${head.join(' & ')} \\\\`,
    '\\midrule',
    ...lines,
    '\\bottomrule',
    '\\end{tabular}',
    `\\caption{${caption}}`,
    '\\end{table}',
    '',
  ].join('\n');
}

/** Offers `text` as a file download. */
export function download(name: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
