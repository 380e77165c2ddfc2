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
    expect(runs).toHaveLength(32);
    expect(runs[0].config).toMatchObject({ model: { arch: 'faster-rcnn' }, roi: { pooler: 'pool' }, rpn: { shared: true, proposals: 100 } });
    // Defaults of the sections the grid does not touch (Faster R-CNN §3.3, FPN §4.2).
    expect(runs[0].config.rpn).toMatchObject({ nmsThresh: 0.7, trainProposals: 2000, batchPerImage: 256 });
    expect(runs[0].config.roi).toMatchObject({ batchPerImage: 512, positiveFraction: 0.25, boxHead: '2fc' });
  });

  it('names bad two-stage values by path and index', () => {
    let issues: { path: string }[] = [];
    try {
      validateSweepSpec({ name: 'bad', dataset, grid: { 'roi.pooler': ['align', 'bilinear'], 'rpn.proposals': [0], 'model.arch': ['yolo'] } });
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      issues = (e as ValidationError).issues;
    }
    expect(issues.map((i) => i.path)).toEqual(['grid.roi.pooler[1]', 'grid.rpn.proposals[0]', 'grid.model.arch[0]']);
  });
});
