import { RunConfigSchema } from '@ablate/detection';
import { ablationToCsv, ablationToMarkdown } from './ablation-format';
import { ablationToHtml } from './ablation-html';
import { AblationPoolingError, AblationQueryError, buildAblationTable, cell, type AblationSample } from './ablation-table';

const dataset = { train: 'synthetic:shapes', val: 'synthetic:shapes?seed=1' };

function sample(gamma: number, alpha: number, seed: number, AP: number, train: Record<string, unknown> = {}): AblationSample {
  const config = RunConfigSchema.parse({ dataset, loss: { gamma, alpha }, seed, train });
  return { runId: `${gamma}-${alpha}-${seed}`, sweepId: 's', config, seed, stats: { AP, AP50: AP + 0.2 } };
}

function failedSample(gamma: number, alpha: number, seed: number, status: 'failed' | 'diverged' = 'failed'): AblationSample {
  return { ...sample(gamma, alpha, seed, 0), status, stats: {} };
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
    expect(cell([0.5, -1, null])).toEqual({ mean: 0.5, std: null, n: 1, failed: 0 });
    expect(cell([])).toEqual({ mean: null, std: null, n: 0, failed: 0 });
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

  it('refuses to pool runs that differ outside rows and cols, naming the paths (RetinaNet Table 1 cells are one setting each)', () => {
    expect(() => buildAblationTable(samples, { rows: ['gamma'] }, [])).toThrow(AblationPoolingError);
    expect(() => buildAblationTable(samples, { rows: ['gamma'] }, [])).toThrow(/differ in loss\.alpha \(0\.25 vs 0\.75\); add it to rows or cols/);
    // 40-step and 60-step runs of the same γ (the reproduction of issue 14) are not repeats either.
    const steps = [sample(0, 0.25, 0, 0.1, { steps: 40 }), sample(0, 0.25, 1, 0.2, { steps: 60 })];
    const err = (() => {
      try {
        buildAblationTable(steps, { rows: ['gamma'] }, []);
      } catch (e) {
        return e as AblationPoolingError;
      }
    })();
    expect(err?.differing).toEqual([{ path: 'train.steps', values: [40, 60] }]);
    // Split by it, the table is honest.
    expect(buildAblationTable(steps, { rows: ['gamma', 'train.steps'] }, []).entries.map((e) => e.runs)).toEqual([1, 1]);
  });

  it('pools the other axes when asked to (aliases accepted)', () => {
    const t = buildAblationTable(samples, { rows: ['gamma'], pool: ['alpha'] }, []);
    expect(t.pooled).toEqual(['loss.alpha']);
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
    expect(csv[0]).toBe(
      'loss.gamma,runs,failed,loss.alpha=0.25_mean,loss.alpha=0.25_std,loss.alpha=0.25_n,loss.alpha=0.25_failed,loss.alpha=0.75_mean,loss.alpha=0.75_std,loss.alpha=0.75_n,loss.alpha=0.75_failed',
    );
    expect(csv[1].startsWith('0,4,0,0.32')).toBe(true);
  });

  it('counts failed and diverged runs per cell and row, and shows them in every format', () => {
    const withFailures = [...samples, failedSample(0, 0.25, 2), failedSample(2, 0.75, 2, 'diverged'), failedSample(2, 0.75, 3)];
    const t = buildAblationTable(withFailures, { rows: ['loss.gamma'], cols: 'alpha' }, []);
    expect(t.entries.map((e) => [e.runs, e.failed])).toEqual([[5, 1], [6, 2]]);
    // The failed runs are not averaged in as zeros: γ=0, α=0.25 is still (0.30 + 0.34) / 2.
    expect(t.entries[0].cells['0.25']).toMatchObject({ n: 2, failed: 1 });
    expect(t.entries[0].cells['0.25'].mean).toBeCloseTo(0.32, 12);
    expect(t.entries[1].cells['0.75']).toMatchObject({ n: 2, failed: 2 });
    expect(ablationToMarkdown(t)).toContain('| 2 | 36.0 ± 0.0 | 33.0 ± 2.8 (2 failed) |');
    expect(ablationToHtml(t, 't')).toContain('<td>32.0 ± 2.8 (1 failed)</td>');
    // A cell whose every run failed shows the failures, not an empty dash.
    const allFailed = buildAblationTable([failedSample(5, 0.25, 0)], { rows: ['loss.gamma'] }, []);
    expect(ablationToMarkdown(allFailed)).toContain('| 5 | 1 | 1 | — (1 failed) |');
    expect(ablationToCsv(allFailed).split('\n')[1]).toBe('5,1,1,,,0,1,,,0,1,,,0,1,,,0,1,,,0,1,,,0,1');
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
