import type { AblationTable } from '@ablate/contract';
import { compareRecipe } from './compare';
import { findRecipe } from './index';
import { averageRanks, spearman } from './spearman';

const SWEEP = '00000000-0000-4000-8000-000000000001';
const cell = (mean: number | null, std: number | null = null, n = 2, failed = 0) => ({ mean, std, n, failed });

describe('spearman', () => {
  it('averages the ranks of ties', () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([3, 1, 2])).toEqual([3, 1, 2]);
  });

  it('is 1 for the same order, −1 for the reverse, and exact with ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // ranks x [1, 2.5, 2.5, 4], y [1, 2, 3, 4]: Pearson = 4.5 / sqrt(4.5 · 5) = 0.9487
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(4.5 * 5), 12);
    expect(spearman([1], [2])).toBeNull();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

describe('compareRecipe', () => {
  const alpha = findRecipe('retinanet-1a')!;
  // List mode (rows = loss.alpha): Ablate's best is α = 0.5, the paper's α = 0.75 is 0.01 below with std 0.02.
  const list: AblationTable = {
    mode: 'list',
    rows: ['loss.alpha'],
    cols: null,
    metric: null,
    columns: ['AP', 'AP50'],
    entries: [
      { key: { 'loss.alpha': 0.1 }, cells: { AP: cell(0.0, 0.0), AP50: cell(0) }, runs: 2, failed: 0 },
      { key: { 'loss.alpha': 0.25 }, cells: { AP: cell(0.05, 0.01) }, runs: 2, failed: 0 },
      { key: { 'loss.alpha': 0.5 }, cells: { AP: cell(0.11, 0.01) }, runs: 2, failed: 0 },
      { key: { 'loss.alpha': 0.75 }, cells: { AP: cell(0.1, 0.02) }, runs: 2, failed: 0 },
      { key: { 'loss.alpha': 0.9 }, cells: { AP: cell(0.09, 0.01) }, runs: 2, failed: 0 },
      { key: { 'loss.alpha': 0.99 }, cells: {}, runs: 2, failed: 2 },
    ],
    samples: 12,
    pooled: [],
  };

  it('sets the paper beside a list-mode table, ranks the cells with both and says the best agree within std', () => {
    const c = compareRecipe(alpha, list, SWEEP);
    expect(c.axes).toEqual(['loss.alpha']);
    expect(c.cells).toHaveLength(7);
    expect(c.cells[3]).toEqual({ key: { 'loss.alpha': 0.75 }, paper: 31.1, ablate: cell(0.1, 0.02) });
    expect(c.cells[5]!.ablate).toEqual({ mean: null, std: null, n: 0, failed: 2 });
    expect(c.cells[6]!.ablate).toBeNull();
    // Both: α 0.1, 0.25, 0.5, 0.75, 0.9 → paper [0, 10.8, 30.2, 31.1, 30.8] vs Ablate [0, .05, .11, .10, .09]:
    // ranks [1,2,3,5,4] vs [1,2,5,4,3], Σd² = 0+0+4+1+1 = 6, ρ = 1 − 36/120 = 0.7
    expect(c.spearman).toEqual({ rho: expect.closeTo(0.7, 12), n: 5 });
    expect(c.best).toMatchObject({ paper: { 'loss.alpha': 0.75 }, ablate: { 'loss.alpha': 0.5 }, agree: true });
    expect(c.best.verdict).toMatch(/^Agree within std: the paper’s best setting \(loss\.alpha = 0\.75\) scores 10\.0 ± 2\.0 in Ablate, 1\.0 below/);
    expect(c.markdown).toContain('| loss.alpha | paper AP | Ablate AP (×100, mean ± std over seeds) |');
    expect(c.markdown).toContain('| 0.75 | 31.1 | 10.0 ± 2.0 (n=2) |');
    expect(c.markdown).toContain('| 0.99 | 28.7 | — (2 failed) |');
    expect(c.markdown).toContain('| 0.999 | 25.1 | not run |');
    expect(c.markdown).toContain('ρ = 0.70');
  });

  it('reads a pivot, adds the settings only Ablate ran and says plainly when the best settings disagree', () => {
    const recipe = findRecipe('retinanet-1b')!;
    const pivot: AblationTable = {
      mode: 'pivot',
      rows: ['loss.gamma'],
      cols: 'loss.alpha',
      metric: 'AP',
      columns: ['0.25', '0.75'],
      entries: [
        { key: { 'loss.gamma': 0 }, cells: { '0.25': cell(0.2, 0.01), '0.75': cell(0.3, 0.01) }, runs: 4, failed: 0 },
        { key: { 'loss.gamma': 2 }, cells: { '0.25': cell(0.1, 0.01), '0.75': cell(0.25, 0.01) }, runs: 4, failed: 0 },
      ],
      samples: 8,
      pooled: [],
    };
    const c = compareRecipe(recipe, pivot, SWEEP);
    expect(c.axes).toEqual(['loss.gamma', 'loss.alpha']);
    expect(c.cells.find((x) => x.key['loss.gamma'] === 0 && x.key['loss.alpha'] === 0.75)).toMatchObject({ paper: 31.1, ablate: { mean: 0.3 } });
    expect(c.cells.filter((x) => x.paper === null).map((x) => x.key)).toEqual([
      { 'loss.gamma': 0, 'loss.alpha': 0.25 },
      { 'loss.gamma': 2, 'loss.alpha': 0.75 },
    ]);
    // Both: (0, .75) paper 31.1 / 0.3 and (2, .25) paper 34.0 / 0.1: opposite orders.
    expect(c.spearman).toEqual({ rho: expect.closeTo(-1, 12), n: 2 });
    expect(c.best).toMatchObject({ paper: { 'loss.gamma': 2, 'loss.alpha': 0.25 }, ablate: { 'loss.gamma': 0, 'loss.alpha': 0.75 }, agree: false });
    expect(c.best.verdict).toMatch(/^Disagree: the paper’s best setting \(loss\.gamma = 2, loss\.alpha = 0\.25\) scores 10\.0 ± 1\.0 in Ablate, 20\.0 below Ablate’s best \(loss\.gamma = 0, loss\.alpha = 0\.75: 30\.0 ± 1\.0\)/);
    expect(() => compareRecipe(recipe, { ...pivot, metric: 'AP50' }, SWEEP)).toThrow(/pivots AP50, not AP/);
  });

  it('reverses a lower-is-better paper metric, so that ρ > 0 means the same order', () => {
    const recipe = findRecipe('groupnorm-batch')!;
    const pivot: AblationTable = {
      mode: 'pivot',
      rows: ['model.norm'],
      cols: 'train.batchSize',
      metric: 'AP',
      columns: ['2', '8'],
      // BN falls at batch 2 as in the paper (error 34.7 vs 24.8); GN holds.
      entries: [
        { key: { 'model.norm': 'batch' }, cells: { '2': cell(0.05), '8': cell(0.2) }, runs: 4, failed: 0 },
        { key: { 'model.norm': 'group' }, cells: { '2': cell(0.21), '8': cell(0.22) }, runs: 4, failed: 0 },
      ],
      samples: 8,
      pooled: [],
    };
    const c = compareRecipe(recipe, pivot, SWEEP);
    // paper (negated error): BN8 −24.8, BN2 −34.7, GN8 −24.0, GN2 −24.1 → ranks 2, 1, 4, 3; Ablate 0.2, 0.05, 0.22, 0.21 → 2, 1, 4, 3
    expect(c.spearman).toEqual({ rho: expect.closeTo(1, 12), n: 4 });
    expect(c.best).toMatchObject({ paper: { 'model.norm': 'group', 'train.batchSize': 8 }, agree: true });
    expect(c.markdown).toContain('lower-is-better');
    expect(c.markdown).toContain('| batch | 32 | 23.6 | not run |');
  });

  it('cannot tell before any run has ended', () => {
    const empty: AblationTable = { mode: 'list', rows: ['loss.alpha'], cols: null, metric: null, columns: [], entries: [], samples: 0, pooled: [] };
    const c = compareRecipe(alpha, empty, SWEEP);
    expect(c.spearman).toEqual({ rho: null, n: 0 });
    expect(c.best).toMatchObject({ agree: null, verdict: expect.stringMatching(/^Cannot tell/) });
  });
});
