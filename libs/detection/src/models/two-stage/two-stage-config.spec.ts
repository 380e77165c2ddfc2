import { DetectorConfigSchema, isTwoStage } from '../../families';
import { parseRunConfig, RunConfigError } from '../../train/run-config';

const dataset = { train: 'synthetic:shapes', val: 'synthetic:shapes?split=val' };

function fieldOf(input: unknown): string {
  try {
    parseRunConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(RunConfigError);
    return (e as RunConfigError).field;
  }
  throw new Error('expected a RunConfigError');
}

describe('two-stage config', () => {
  it('fills the papers’ defaults (Faster R-CNN §3.1.3/§3.3, Fast R-CNN §2.3, FPN §4.2)', () => {
    const c = DetectorConfigSchema.parse({ model: { arch: 'mask-rcnn' } });
    expect(isTwoStage(c.model.arch)).toBe(true);
    expect(c.rpn).toMatchObject({ features: 'fpn', shared: true, proposals: 300, trainProposals: 2000, nmsThresh: 0.7, batchPerImage: 256, positiveFraction: 0.5 });
    expect(c.roi).toMatchObject({ pooler: 'align', boxHead: '2fc', fcDim: 1024, batchPerImage: 512, positiveFraction: 0.25, bgLow: 0 });
    expect(c.roi).toMatchObject({ scoreThresh: 0.05, nmsThresh: 0.5, detectionsPerImage: 100 });
    expect(c.mask?.loss).toBe('sigmoid');
  });

  it('names the offending field', () => {
    const model = { arch: 'mask-rcnn' };
    expect(fieldOf({ dataset, model, rpn: { features: 'c5' } })).toBe('rpn.features');
    expect(fieldOf({ dataset, model, rpn: { proposals: 0 } })).toBe('rpn.proposals');
    expect(fieldOf({ dataset, model, roi: { pooler: 'bilinear' } })).toBe('roi.pooler');
    expect(fieldOf({ dataset, model, roi: { bgLow: 0.5 } })).toBe('roi.bgLow');
    expect(fieldOf({ dataset, model, roi: { boxHead: '3fc' } })).toBe('roi.boxHead');
    expect(fieldOf({ dataset, model, mask: { loss: 'hinge' } })).toBe('mask.loss');
    expect(fieldOf({ dataset, model: { arch: 'yolo' } })).toBe('model.arch');
    expect(fieldOf({ dataset, model, rpn: { nms: 0.7 } })).toBe('rpn.nms');
  });

  it("reserves 'mask-rcnn' in model.arch", () => {
    expect(DetectorConfigSchema.parse({ model: { arch: 'mask-rcnn' } }).model.arch).toBe('mask-rcnn');
    expect(isTwoStage('retinanet')).toBe(false);
  });
});
