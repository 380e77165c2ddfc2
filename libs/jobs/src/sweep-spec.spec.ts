import { SPEC_DATASET, sweepSpecIssues } from './sweep-spec.testing';
import { validateSweepSpec } from './sweep-spec';
import { RUN_CONFIG_PATHS, resolveConfigPath } from './config-paths';

const dataset = SPEC_DATASET;
const issuesOf = sweepSpecIssues;

describe('config paths', () => {
  it('lists the leaves of RunConfig, arrays being leaves', () => {
    expect(RUN_CONFIG_PATHS).toContain('loss.gamma');
    expect(RUN_CONFIG_PATHS).toContain('anchors.aspectRatios');
    expect(RUN_CONFIG_PATHS).toContain('train.augment.flip');
    expect(RUN_CONFIG_PATHS).not.toContain('loss');
    expect(RUN_CONFIG_PATHS).not.toContain('train.augment');
  });

  it('resolves aliases and rejects non-leaves', () => {
    expect(resolveConfigPath('gamma')).toBe('loss.gamma');
    expect(resolveConfigPath('anchorScales')).toBe('anchors.scalesPerOctave');
    expect(resolveConfigPath('phi')).toBe('model.phi');
    expect(resolveConfigPath('model.norm')).toBe('model.norm');
    expect(resolveConfigPath('model')).toBeUndefined();
    expect(resolveConfigPath('loss.gama')).toBeUndefined();
  });
});

describe('validateSweepSpec', () => {
  it('normalises aliases, keeps the given order and resolves a seed count', () => {
    const spec = validateSweepSpec({ name: 'focal', dataset, grid: { gamma: [0, 2], 'loss.alpha': [0.25, -1] }, seeds: 3 });
    expect(spec.grid.map((a) => [a.key, a.path, a.values])).toEqual([
      ['gamma', 'loss.gamma', [0, 2]],
      ['loss.alpha', 'loss.alpha', [0.25, -1]],
    ]);
    expect(spec.seeds).toEqual([0, 1, 2]);
  });

  it('defaults the seeds to the base seed', () => {
    expect(validateSweepSpec({ name: 'x', dataset, base: { seed: 7 }, grid: { gamma: [0] } }).seeds).toEqual([7]);
  });

  it('names each out-of-range grid value by index', () => {
    const issues = issuesOf({
      name: 'bad',
      dataset,
      base: { model: { arch: 'efficientdet' } },
      grid: { gamma: [0, -0.5, 2], alpha: [0.25, 1.5, -1], phi: [0, 8, 1.5], aspectRatios: [[0.5, 1], ['x']] },
    });
    expect(issues.map((i) => i.path)).toEqual([
      'grid.gamma[1]',
      'grid.alpha[1]',
      'grid.phi[1]',
      'grid.phi[2]',
      'grid.aspectRatios[1][0]',
    ]);
    expect(issues[1].message).toMatch(/alpha must be in \[0, 1\]/);
  });

  it('rejects unknown paths, empty axes, duplicates, seeds in the grid and a base dataset', () => {
    const issues = issuesOf({
      name: 'bad',
      dataset,
      base: { dataset, loss: { gama: 1 } },
      grid: { 'loss.gama': [1], alpha: [], gamma: [1, 2, 1], 'loss.gamma': [3], seed: [1] },
    });
    expect(issues.map((i) => i.path)).toEqual([
      'base.dataset',
      'base.loss.gama',
      'grid.loss.gama',
      'grid.alpha',
      'grid.gamma[2]',
      'grid.loss.gamma',
      'grid.seed',
    ]);
    expect(issues[2].message).toMatch(/unknown parameter/);
    expect(issues[4].message).toBe('duplicates grid.gamma[0]');
  });

  it('rejects an empty grid and structural errors', () => {
    expect(issuesOf({ name: 'x', dataset, grid: {} }).map((i) => i.path)).toEqual(['grid']);
    expect(issuesOf({ name: '', dataset: { train: 'a' }, grid: { gamma: 'x' }, seeds: 0, extra: 1 }).map((i) => i.path).sort()).toEqual(
      ['dataset.val', 'extra', 'grid.gamma', 'name', 'seeds'].sort(),
    );
  });

  it('accepts only priorities BullMQ will queue (1 … 2^21 − 1): 2^21 was once stored and never queued', () => {
    expect(issuesOf({ name: 'p', dataset, grid: { gamma: [0] }, priority: 2 ** 21 })).toEqual([
      { path: 'priority', message: expect.stringMatching(/<=2097151/) },
    ]);
    expect(validateSweepSpec({ name: 'p', dataset, grid: { gamma: [0] }, priority: 2 ** 21 - 1 }).priority).toBe(2097151);
  });

  it('caps the number of runs: 5 γ × 3 α × 7 seeds = 105 > 100', () => {
    const issues = issuesOf(
      { name: 'big', dataset, grid: { gamma: [0, 0.5, 1, 2, 5], alpha: [0.25, 0.5, 0.75] }, seeds: 7 },
      100,
    );
    expect(issues).toEqual([{ path: 'grid', message: 'expands to 105 runs (5 gamma × 3 alpha × 7 seeds), over the limit of 100' }]);
    // 5 × 3 × 6 = 90 fits.
    expect(() => validateSweepSpec({ name: 'ok', dataset, grid: { gamma: [0, 0.5, 1, 2, 5], alpha: [0.25, 0.5, 0.75] }, seeds: 6 }, { maxRuns: 100 })).not.toThrow();
  });
});
