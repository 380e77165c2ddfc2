import { EFFICIENTDET_SCALING } from './index';
import { DetectorConfigSchema, resolveInputSize, resolveNeckChannels } from '../families';

describe('DetectorConfig', () => {
  it('fills the RetinaNet defaults (RetinaNet §4, Table 1)', () => {
    const c = DetectorConfigSchema.parse({});
    expect(c.loss).toMatchObject({ gamma: 2, alpha: 0.25 });
    expect(c.anchors).toMatchObject({ levels: [3, 4, 5, 6, 7], scalesPerOctave: 3, aspectRatios: [0.5, 1, 2] });
    expect(resolveInputSize(c.model)).toBe(512);
    expect(resolveNeckChannels(c.model)).toBe(256);
  });
  it('takes EfficientDet sizes from its Table 1 unless overridden', () => {
    const d3 = DetectorConfigSchema.parse({ model: { arch: 'efficientdet', phi: 3 } });
    expect(resolveInputSize(d3.model)).toBe(896);
    expect(resolveNeckChannels(d3.model)).toBe(160);
    const small = DetectorConfigSchema.parse({ model: { arch: 'efficientdet', phi: 7, inputSize: 128 } });
    expect(resolveInputSize(small.model)).toBe(128);
    expect(EFFICIENTDET_SCALING.map((s) => s.bifpnChannels)).toEqual([64, 88, 112, 160, 224, 288, 384, 384]);
  });
  it('names the offending field', () => {
    const r = DetectorConfigSchema.safeParse({ loss: { gamma: -1, alpha: 2 }, model: { phi: 9, colour: 'red' } });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['loss.gamma', 'loss.alpha', 'model.phi']));
    expect(r.error!.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });
});
