import { expandSweep } from './expand-sweep';
import { validateSweepSpec } from './sweep-spec';
import { ValidationError } from './validation-error';

const dataset = { train: 'synthetic:shapes?n=8', val: 'synthetic:shapes?n=4&seed=1' };

describe('two-stage sweep paths (issue 7: Mask R-CNN Table 2, Faster R-CNN Table 3)', () => {
  it('accepts model.arch, roi.pooler, rpn.shared, rpn.proposals and mask.loss grids', () => {
    const spec = validateSweepSpec({
      name: 'roialign-vs-roipool',
      dataset,
      base: { model: { numClasses: 7 }, rpn: { features: 'fpn' } },
      grid: {
        'model.arch': ['faster-rcnn', 'mask-rcnn'],
        'roi.pooler': ['pool', 'align'],
        'rpn.shared': [true, false],
        'rpn.proposals': [100, 300],
        'mask.loss': ['sigmoid', 'softmax'],
      },
    });
    expect(spec.grid.map((a) => a.path)).toEqual(['model.arch', 'roi.pooler', 'rpn.shared', 'rpn.proposals', 'mask.loss']);
    const runs = expandSweep(spec);
    // A conditional space: Faster R-CNN reads no mask.loss, so its 8 points are not doubled by it.
    expect(runs).toHaveLength(8 + 16);
    expect(runs.filter((r) => r.config.model.arch === 'faster-rcnn').every((r) => r.config.mask === undefined && !('mask.loss' in r.params))).toBe(true);
    expect(runs[0].config).toMatchObject({ model: { arch: 'faster-rcnn' }, roi: { pooler: 'pool' }, rpn: { shared: true, proposals: 100 } });
    // Defaults of the sections the grid does not touch (Faster R-CNN §3.3, FPN §4.2).
    expect(runs[0].config.rpn).toMatchObject({ nmsThresh: 0.7, trainProposals: 2000, batchPerImage: 256 });
    expect(runs[0].config.roi).toMatchObject({ batchPerImage: 512, positiveFraction: 0.25, boxHead: '2fc' });
  });

  function issuesOf(input: unknown): { path: string; message: string }[] {
    try {
      validateSweepSpec(input);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).issues;
    }
    throw new Error('expected a ValidationError');
  }

  it('names bad two-stage values by path and index', () => {
    const issues = issuesOf({ name: 'bad', dataset, grid: { 'roi.pooler': ['align', 'bilinear'], 'rpn.proposals': [0], 'model.arch': ['yolo', 'faster-rcnn'] } });
    expect(issues.map((i) => i.path)).toEqual(['grid.roi.pooler[1]', 'grid.rpn.proposals[0]', 'grid.model.arch[0]']);
  });

  it('refuses an axis or base section no architecture of the sweep reads', () => {
    expect(issuesOf({ name: 'r', dataset, grid: { 'roi.pooler': ['align', 'pool'] } })).toEqual([
      { path: 'grid.roi.pooler', message: "is not used by model.arch 'retinanet' (roi configures faster-rcnn, mask-rcnn, keypoint-rcnn)" },
    ]);
    expect(issuesOf({ name: 'r', dataset, base: { mask: { loss: 'softmax' } }, grid: { arch: ['retinanet', 'faster-rcnn'] } })).toEqual([
      { path: 'base.mask', message: "is not used by model.arch 'retinanet' or 'faster-rcnn' (mask configures mask-rcnn)" },
    ]);
  });
});
