import { expandSweep, planSweep, runKey } from './expand-sweep';
import { validateSweepSpec } from './sweep-spec';

const dataset = { train: 'synthetic:shapes?n=8', val: 'synthetic:shapes?n=4&seed=1' };

describe('expandSweep', () => {
  it('takes the cartesian product × seeds, last axis fastest, seeds innermost', () => {
    const runs = expandSweep(
      validateSweepSpec({ name: 'f', dataset, base: { train: { steps: 10 } }, grid: { gamma: [0, 2], alpha: [0.25, 0.75] }, seeds: [0, 1] }),
    );
    // 2 γ × 2 α × 2 seeds = 8 runs.
    expect(runs).toHaveLength(8);
    expect(runs.map((r) => [r.config.loss.gamma, r.config.loss.alpha, r.seed])).toEqual([
      [0, 0.25, 0], [0, 0.25, 1], [0, 0.75, 0], [0, 0.75, 1],
      [2, 0.25, 0], [2, 0.25, 1], [2, 0.75, 0], [2, 0.75, 1],
    ]);
    expect(runs.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(runs[5].params).toEqual({ 'loss.gamma': 2, 'loss.alpha': 0.25 });
    expect(runs[5].config.seed).toBe(1);
    // The base and the defaults fill the rest of every config.
    expect(runs[5].config.train.steps).toBe(10);
    expect(runs[5].config.anchors.scalesPerOctave).toBe(3);
    expect(runs[5].config.dataset).toEqual(dataset);
    expect(new Set(runs.map((r) => r.key)).size).toBe(8);
  });

  it('varies whole lists for array-valued paths', () => {
    const { runs } = planSweep({ name: 'ar', dataset, grid: { aspectRatios: [[1], [0.5, 1, 2]], anchorScales: [1, 3] } });
    expect(runs.map((r) => [r.config.anchors.aspectRatios, r.config.anchors.scalesPerOctave])).toEqual([
      [[1], 1], [[1], 3], [[0.5, 1, 2], 1], [[0.5, 1, 2], 3],
    ]);
  });

  it('is deterministic', () => {
    const input = { name: 'd', dataset, base: { model: { arch: 'efficientdet' } }, grid: { phi: [0, 1], norm: ['batch', 'group'] }, seeds: 2 };
    expect(planSweep(input).runs).toEqual(planSweep(input).runs);
  });
});

describe('runKey', () => {
  it('is independent of parameter order', () => {
    expect(runKey({ 'loss.gamma': 2, 'loss.alpha': 0.25 }, 1)).toBe('loss.alpha=0.25|loss.gamma=2|seed=1');
    expect(runKey({ 'loss.alpha': 0.25, 'loss.gamma': 2 }, 1)).toBe('loss.alpha=0.25|loss.gamma=2|seed=1');
    expect(runKey({ 'anchors.aspectRatios': [0.5, 1] }, 0)).toBe('anchors.aspectRatios=[0.5,1]|seed=0');
  });
});
