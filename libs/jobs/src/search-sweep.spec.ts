import { SPEC_DATASET, sweepSpecIssues } from './sweep-spec.testing';
import { expandSweep, planSweep } from './expand-sweep';
import { dimensionIssue } from './search-space';
import { validateSweepSpec } from './sweep-spec';

const dataset = SPEC_DATASET;
const issuesOf = sweepSpecIssues;

const random = (extra: Record<string, unknown> = {}) => ({
  name: 'random',
  dataset,
  search: 'random',
  budget: 12,
  space: { gamma: { uniform: [0, 5] }, lr: { loguniform: [1e-5, 1e-1] }, anchorScales: { int: [1, 4] }, norm: ['batch', 'group'] },
  ...extra,
});

describe('random search', () => {
  it('is reproducible from samplerSeed: the same spec gives the same runs in the same order, another seed others', () => {
    const a = planSweep(random({ samplerSeed: 7, seeds: 2 })).runs;
    expect(a).toHaveLength(24);
    expect(planSweep(random({ samplerSeed: 7, seeds: 2 })).runs).toEqual(a);
    const b = planSweep(random({ samplerSeed: 8, seeds: 2 })).runs;
    expect(b.map((r) => r.params)).not.toEqual(a.map((r) => r.params));
    // Seeds innermost, as in a grid: each configuration is trained once per seed, next to each other.
    expect(a.map((r) => r.seed)).toEqual(Array.from({ length: 24 }, (_, i) => i % 2));
    expect(a[0]!.params).toEqual(a[1]!.params);
    // The configs carry the sampled values.
    for (const run of a) {
      expect(run.config.loss.gamma).toBe(run.params['loss.gamma']);
      expect(run.config.train.lr).toBe(run.params['train.lr']);
    }
  });

  it('defaults samplerSeed to 0 and keeps it in the normalised spec', () => {
    const spec = validateSweepSpec(random());
    expect(spec).toMatchObject({ search: 'random', budget: 12, samplerSeed: 0, grid: [] });
    expect(spec.space!.map((a) => [a.key, a.path])).toEqual([
      ['gamma', 'loss.gamma'],
      ['lr', 'train.lr'],
      ['anchorScales', 'anchors.scalesPerOctave'],
      ['norm', 'model.norm'],
    ]);
    expect(expandSweep(spec).map((r) => r.params)).toEqual(planSweep(random({ samplerSeed: 0 })).runs.map((r) => r.params));
  });

  it('respects int bounds and quantisation', () => {
    const { runs } = planSweep(random({ budget: 60, space: { gamma: { uniform: [0.3, 5], q: 0.5 }, anchorScales: { int: [2, 6], q: 2 }, alpha: { int: [0, 1] } } }));
    const gammas = runs.map((r) => r.params['loss.gamma'] as number);
    // Multiples of 0.5 inside [0.3, 5]: 0.5 … 5.
    expect(gammas.every((g) => g >= 0.5 && g <= 5 && Number.isInteger(g * 2))).toBe(true);
    expect(new Set(gammas).size).toBeGreaterThan(5);
    const scales = runs.map((r) => r.params['anchors.scalesPerOctave']);
    expect(new Set(scales)).toEqual(new Set([2, 4, 6]));
    expect(new Set(runs.map((r) => r.params['loss.alpha']))).toEqual(new Set([0, 1]));
  });

  it('spreads loguniform values over the decades of its bounds', () => {
    const { runs } = planSweep(random({ budget: 200, space: { lr: { loguniform: [1e-5, 1e-1] } } }), { maxRuns: 1000 });
    const lrs = runs.map((r) => r.params['train.lr'] as number);
    expect(lrs.every((lr) => lr >= 1e-5 && lr <= 1e-1)).toBe(true);
    // Four decades, about a quarter of the samples in each (a uniform draw would put 90% in the last).
    const perDecade = [0, 1, 2, 3].map((d) => lrs.filter((lr) => Math.floor(Math.log10(lr) + 5) === d).length);
    for (const n of perDecade) expect(n).toBeGreaterThan(30);
  });

  it('refuses distribution bounds the RunConfig schema refuses, naming the field', () => {
    expect(issuesOf(random({ space: { 'loss.gamma': { uniform: [-1, 2] } } }))).toEqual([
      { path: 'space.loss.gamma', message: 'lower bound -1 is refused: Too small: expected number to be >=0' },
    ]);
    expect(issuesOf(random({ space: { phi: { int: [0, 9] } }, base: { model: { arch: 'efficientdet' } } }))).toEqual([
      { path: 'space.phi', message: 'upper bound 9 is refused: Too big: expected number to be <=7' },
    ]);
    expect(issuesOf(random({ space: { norm: ['batch', 'layer'], fusion: { choice: ['fast', 'max'] } }, base: { model: { arch: 'efficientdet' } } })).map((i) => i.path)).toEqual([
      'space.norm[1]',
      'space.fusion.choice[1]',
    ]);
    // Inside valid bounds, a sampled value the schema refuses (α is in [0, 1] or −1) is named too.
    const inside = issuesOf(random({ space: { alpha: { uniform: [-1, 1] } } }));
    expect(inside).toEqual([{ path: 'space.alpha', message: expect.stringMatching(/^sampled value -?0\.\d+ is refused: alpha must be in \[0, 1\]/) }]);
  });

  it('refuses malformed distributions, naming the field', () => {
    const issues = issuesOf(
      random({
        space: {
          gamma: { uniform: [2, 1] },
          lr: { loguniform: [0, 1] },
          anchorScales: { int: [1.5, 3] },
          alpha: { normal: [0, 1] },
          'loss.boxWeight': { uniform: [0.1, 0.2], q: 0.5 },
          'loss.smoothL1Beta': { choice: [0.1], q: 1 },
          'model.numClasses': 3,
        },
      }),
    );
    expect(issues).toEqual([
      { path: 'space.gamma.uniform', message: 'lo must be below hi' },
      { path: 'space.lr.loguniform', message: expect.stringMatching(/positive/) },
      { path: 'space.anchorScales.int', message: 'bounds must be integers' },
      { path: 'space.alpha', message: expect.stringMatching(/unknown: normal/) },
      { path: 'space.loss.boxWeight.q', message: 'no multiple of 0.5 lies in [0.1, 0.2]' },
      { path: 'space.loss.smoothL1Beta.q', message: expect.stringMatching(/not to choice/) },
      { path: 'space.model.numClasses', message: expect.stringMatching(/^must be a list of values, or one of/) },
    ]);
  });

  it('needs a budget, refuses grid fields on a sampled sweep and the other way round, and caps budget × seeds', () => {
    expect(issuesOf({ ...random(), budget: undefined }).map((i) => i.path)).toEqual(['budget']);
    expect(issuesOf(random({ grid: { gamma: [0, 1] } })).map((i) => i.path)).toEqual(['grid']);
    expect(issuesOf({ name: 'g', dataset, grid: { gamma: [0] }, budget: 3, samplerSeed: 1 }).map((i) => i.path)).toEqual(['budget', 'samplerSeed']);
    expect(issuesOf(random({ space: {} })).map((i) => i.path)).toEqual(['space']);
    expect(issuesOf(random({ budget: 40, seeds: 3 }), 100)).toEqual([{ path: 'budget', message: '40 configurations × 3 seeds = 120 runs, over the limit of 100' }]);
    // Four distinct configurations cannot fill a budget of 5.
    expect(issuesOf(random({ budget: 5, space: { norm: ['batch', 'group'], 'train.augment.flip': [true, false] } }))).toEqual([
      { path: 'budget', message: expect.stringMatching(/^the space holds only 4 distinct configurations/) },
    ]);
  });
});

describe('sobol search', () => {
  it('maps the first Sobol points onto the space, the same for every submission', () => {
    const spec = { name: 's', dataset, search: 'sobol', budget: 4, space: { gamma: { uniform: [0, 4] }, alpha: { uniform: [0, 1] } } };
    const { runs } = planSweep(spec);
    // Points (0.5, 0.5), (0.75, 0.25), (0.25, 0.75), (0.375, 0.375) scaled to γ ∈ [0, 4], α ∈ [0, 1].
    expect(runs.map((r) => [r.params['loss.gamma'], r.params['loss.alpha']])).toEqual([
      [2, 0.5],
      [3, 0.25],
      [1, 0.75],
      [1.5, 0.375],
    ]);
    expect(planSweep(spec).runs).toEqual(runs);
    expect(issuesOf({ ...spec, samplerSeed: 3 })).toEqual([{ path: 'samplerSeed', message: expect.stringMatching(/unscrambled/) }]);
  });

  it('supports up to 21 parameters (random any number)', () => {
    expect(dimensionIssue('sobol', 21)).toBeUndefined();
    expect(dimensionIssue('sobol', 22)).toEqual({ path: 'space', message: 'sobol supports up to 21 parameters (Joe & Kuo direction numbers); this space has 22' });
    expect(dimensionIssue('random', 60)).toBeUndefined();
  });
});

describe('conditional model fields', () => {
  it("refuses φ or fusion on a sweep whose architectures never read them, naming the axis", () => {
    expect(issuesOf({ name: 'p', dataset, grid: { phi: [0, 1] } })).toEqual([
      { path: 'grid.phi', message: "is not used by model.arch 'retinanet' (model.phi is read by efficientdet)" },
    ]);
    expect(issuesOf({ ...random(), space: { fusion: ['fast', 'sum'] }, base: { model: { arch: 'faster-rcnn' } } })).toEqual([
      { path: 'space.fusion', message: "is not used by model.arch 'faster-rcnn' (model.fusion is read by efficientdet)" },
    ]);
  });

  it('over several architectures applies φ to the EfficientDet runs only', () => {
    const { runs } = planSweep({ name: 'p', dataset, grid: { arch: ['retinanet', 'efficientdet'], phi: [0, 1], gamma: [0, 2] } });
    // RetinaNet: 2 γ (φ does not repeat it); EfficientDet: 2 φ × 2 γ.
    expect(runs).toHaveLength(2 + 4);
    expect(runs.filter((r) => r.config.model.arch === 'retinanet').every((r) => !('model.phi' in r.params))).toBe(true);
    expect(runs.filter((r) => r.config.model.arch === 'efficientdet').map((r) => r.params['model.phi'])).toEqual([0, 0, 1, 1]);
  });

  it('in a sampled space, drops φ from the runs that do not read it', () => {
    const { runs } = planSweep({ ...random({ budget: 10 }), space: { arch: ['retinanet', 'efficientdet'], phi: { int: [0, 2] }, gamma: { uniform: [0, 3] } } });
    expect(runs).toHaveLength(10);
    for (const run of runs) expect('model.phi' in run.params).toBe(run.config.model.arch === 'efficientdet');
  });
});
