import { RunConfigSchema } from '@ablate/detection';
import { ablationToCsv, ablationToMarkdown } from './ablation-format';
import { ablationToHtml } from './ablation-html';
import { AblationQueryError, buildAblationTable, cell, type AblationSample } from './ablation-table';

const dataset = { train: 'synthetic:shapes', val: 'synthetic:shapes?seed=1' };

function sample(gamma: number, alpha: number, seed: number, AP: number): AblationSample {
  const config = RunConfigSchema.parse({ dataset, loss: { gamma, alpha }, seed });
  return { runId: `${gamma}-${alpha}-${seed}`, sweepId: 's', config, seed, stats: { AP, AP50: AP + 0.2 } };
}

describe('cell', () => {
  it('is the mean and the sample std', () => {
    // mean (0.30 + 0.34) / 2 = 0.32; std sqrt(((−0.02)² + 0.02²) / (2 − 1)) = sqrt(0.0008) = 0.028284…
    const c = cell([0.3, 0.34]);
    expect(c.mean).toBeCloseTo(0.32, 12);
    expect(c.std).toBeCloseTo(Math.sqrt(0.0008), 12);
    expect(c.n).toBe(2);
  });

  it('skips −1 (no ground truth) and has no std for one value', () => {
    expect(cell([0.5, -1, null])).toEqual({ mean: 0.5, std: null, n: 1 });
    expect(cell([])).toEqual({ mean: null, std: null, n: 0 });
  });
});

describe('buildAblationTable', () => {
  // γ ∈ {0, 2} × α ∈ {0.25, 0.75} × seeds {0, 1}.
  const samples = [
    sample(0, 0.25, 0, 0.30), sample(0, 0.25, 1, 0.34),
    sample(0, 0.75, 0, 0.20), sample(0, 0.75, 1, 0.22),
    sample(2, 0.25, 0, 0.36), sample(2, 0.25, 1, 0.36),
    sample(2, 0.75, 0, 0.31), sample(2, 0.75, 1, 0.35),
  ];

  it('lists every varied combination with mean ± std over seeds', () => {
    const t = buildAblationTable(samples, {}, ['loss.gamma', 'loss.alpha']);
    expect(t.mode).toBe('list');
    expect(t.entries.map((e) => [e.key['loss.gamma'], e.key['loss.alpha'], e.runs])).toEqual([
      [0, 0.25, 2], [0, 0.75, 2], [2, 0.25, 2], [2, 0.75, 2],
    ]);
    // γ=0, α=0.75: mean (0.20 + 0.22) / 2 = 0.21, std sqrt(2 · 0.01² / 1) = 0.014142…
    expect(t.entries[1].cells['AP'].mean).toBeCloseTo(0.21, 12);
    expect(t.entries[1].cells['AP'].std).toBeCloseTo(Math.SQRT2 * 0.01, 12);
    // γ=2, α=0.25: both 0.36 → std 0.
    expect(t.entries[2].cells['AP'].std).toBe(0);
    expect(t.entries[2].cells['AP50'].mean).toBeCloseTo(0.56, 12);
  });

  it('pools the other axes when grouping by one path (aliases accepted)', () => {
    const t = buildAblationTable(samples, { rows: ['gamma'] }, []);
    // γ=2: (0.36 + 0.36 + 0.31 + 0.35) / 4 = 0.345
    expect(t.entries.map((e) => e.runs)).toEqual([4, 4]);
    expect(t.entries[1].cells['AP'].mean).toBeCloseTo(0.345, 12);
  });

  it('pivots one metric by rows × cols', () => {
    const t = buildAblationTable(samples, { rows: ['loss.gamma'], cols: 'alpha', metric: 'AP' }, []);
    expect(t.mode).toBe('pivot');
    expect(t.columns).toEqual(['0.25', '0.75']);
    expect(t.entries[0].cells['0.25'].mean).toBeCloseTo(0.32, 12);
    expect(t.entries[1].cells['0.75'].mean).toBeCloseTo(0.33, 12);
    const md = ablationToMarkdown(t);
    // 0.32 ± 0.028284 → "32.0 ± 2.8"; 0.33 ± 0.028284 → "33.0 ± 2.8"
    expect(md).toContain('| loss.gamma | loss.alpha=0.25 | loss.alpha=0.75 |');
    expect(md).toContain('| 0 | 32.0 ± 2.8 | 21.0 ± 1.4 |');
    expect(md).toContain('| 2 | 36.0 ± 0.0 | 33.0 ± 2.8 |');
    const csv = ablationToCsv(t).split('\n');
    expect(csv[0]).toBe('loss.gamma,runs,loss.alpha=0.25_mean,loss.alpha=0.25_std,loss.alpha=0.25_n,loss.alpha=0.75_mean,loss.alpha=0.75_std,loss.alpha=0.75_n');
    expect(csv[1].startsWith('0,4,0.32')).toBe(true);
  });

  it('renders an HTML page with the table and one bar per cell', () => {
    const t = buildAblationTable(samples, { rows: ['loss.gamma'], cols: 'alpha' }, []);
    const html = ablationToHtml(t, 'focal <sweep>');
    expect(html).toContain('<title>focal &lt;sweep&gt;</title>');
    expect(html).toContain('<td>32.0 ± 2.8</td>');
    // 2 rows × 2 columns = 4 bars
    expect(html.match(/<rect /g)).toHaveLength(4);
  });

  it('names a bad path or metric', () => {
    expect(() => buildAblationTable(samples, { rows: ['loss.gama'] }, [])).toThrow(AblationQueryError);
    expect(() => buildAblationTable(samples, { cols: 'nope' }, ['loss.gamma'])).toThrow(/cols: unknown config path nope/);
    expect(() => buildAblationTable(samples, { metric: 'mAP' as never }, ['loss.gamma'])).toThrow(/metric: unknown metric mAP/);
  });
});
