import * as tf from '@tensorflow/tfjs-core';
import { EFFICIENTDET_SCALING } from '../config';
import { DetectorConfigSchema } from '../families';
import { buildOneStageDetector as buildDetector } from './build-detector';
import { EfficientNet } from './backbones/efficientnet';
import { ModelConfigError } from './model-error';
import { BiFpn } from './necks/bifpn';
import { Fpn } from './necks/fpn';
import { tinyRetinaNet, useTestBackend } from './testing/tiny-configs';

beforeAll(useTestBackend);

/** Distinct hidden-conv indices of a head subnet, from the variable names `head.cls_subnet.<i>.conv…`. */
function headDepth(names: string[], subnet: string): number {
  return new Set(names.filter((n) => n.startsWith(`head.${subnet}.`) && /^\d+$/.test(n.split('.')[2])).map((n) => n.split('.')[2])).size;
}

describe('buildDetector: EfficientDet D0–D7 (EfficientDet Table 1)', () => {
  // Trainable parameters of EfficientDet Table 2 (COCO, 90 classes), in millions, as the paper rounds them.
  const PAPER_PARAMS_M = [3.9, 6.6, 8.1, 12, 21, 34, 52, 52];

  it.each(EFFICIENTDET_SCALING.map((s) => [s.phi, s] as const))('φ = %i has the backbone, W_bifpn, D_bifpn, D_class of Table 1', (phi, s) => {
    const config = DetectorConfigSchema.parse({ model: { arch: 'efficientdet', phi, inputSize: 64, numClasses: 90 } });
    const d = buildDetector(config, { structureOnly: true });
    try {
      expect(d.backbone.name).toBe(`efficientnet-${s.backbone}`);
      expect(d.backbone).toBeInstanceOf(EfficientNet);
      expect(d.neck).toBeInstanceOf(BiFpn);
      const neck = d.neck as BiFpn;
      expect(neck.channels).toBe(s.bifpnChannels);
      expect(neck.layers.length).toBe(s.bifpnLayers);
      // 8 fusion nodes per layer over P3–P7 (EfficientDet Fig. 2d): 4 top-down (P6, P5, P4, P3) + 4 bottom-up.
      expect(neck.layers.every((layer) => layer.numNodes === 8)).toBe(true);
      const names = [...d.allVariables().keys()];
      expect(headDepth(names, 'cls_subnet')).toBe(s.headLayers);
      expect(headDepth(names, 'bbox_subnet')).toBe(s.headLayers);
      expect(d.head.options.inChannels).toBe(s.bifpnChannels);
      // The BiFPN width reaches the predictors: 9 anchors × 90 classes from W_bifpn channels.
      expect(d.allVariables().get('head.cls_subnet.predictor.pointwise')!.shape).toEqual([1, 1, s.bifpnChannels, 9 * 90]);
      expect(d.allVariables().get('neck.cells.0.td4.fusion.weight')!.shape).toEqual([2]);
      expect(d.allVariables().get('neck.cells.0.out4.fusion.weight')!.shape).toEqual([3]);
      // And the whole matches the paper's parameter count within its rounding (±3 %).
      expect(d.countParameters() / 1e6).toBeGreaterThan(PAPER_PARAMS_M[phi] * 0.97);
      expect(d.countParameters() / 1e6).toBeLessThan(PAPER_PARAMS_M[phi] * 1.03);
    } finally {
      d.dispose();
    }
  });
});

describe('buildDetector: RetinaNet', () => {
  it('has an FPN of 256 channels and 4-conv subnets by default (RetinaNet §4)', () => {
    const d = buildDetector(DetectorConfigSchema.parse({ model: { inputSize: 64, numClasses: 80 } }), { structureOnly: true });
    expect(d.backbone.name).toBe('resnet50');
    expect(d.neck).toBeInstanceOf(Fpn);
    expect(d.neck.channels).toBe(256);
    const names = [...d.allVariables().keys()];
    expect(headDepth(names, 'cls_subnet')).toBe(4);
    expect(headDepth(names, 'bbox_subnet')).toBe(4);
    // Final convs: A·C = 9·80 and A·4 = 36 outputs, 3×3 (RetinaNet Fig. 3).
    expect(d.allVariables().get('head.cls_subnet.predictor.weight')!.shape).toEqual([3, 3, 256, 720]);
    expect(d.allVariables().get('head.bbox_subnet.predictor.weight')!.shape).toEqual([3, 3, 256, 36]);
    // P6 from C5 (2048 channels in ResNet-50), P7 from P6.
    expect(d.allVariables().get('neck.p6.weight')!.shape).toEqual([3, 3, 2048, 256]);
    expect(d.allVariables().get('neck.p7.weight')!.shape).toEqual([3, 3, 256, 256]);
    // Batch norm per level in the shared head (norm 'batch' is the config default).
    expect(names.filter((n) => n.startsWith('head.cls_subnet.0.norm.') && n.endsWith('.running_mean'))).toEqual(
      [3, 4, 5, 6, 7].map((l) => `head.cls_subnet.0.norm.${l}.running_mean`),
    );
    d.dispose();
  });

  it('shares group norm across levels', () => {
    const d = buildDetector(tinyRetinaNet({ norm: 'group' }), { structureOnly: true });
    expect(d.allVariables().has('head.cls_subnet.0.norm.weight')).toBe(true);
    expect([...d.allVariables().keys()].some((n) => n.includes('running'))).toBe(true); // the backbone keeps BN
    expect([...d.allVariables().keys()].some((n) => n.startsWith('head') && n.includes('running'))).toBe(false);
    d.dispose();
  });

  it('initialises the same weights from the same seed, and other weights from another', () => {
    const a = buildDetector(tinyRetinaNet(), { seed: 3 });
    const b = buildDetector(tinyRetinaNet(), { seed: 3 });
    const c = buildDetector(tinyRetinaNet(), { seed: 4 });
    for (const name of ['backbone.conv1.weight', 'neck.output3.weight', 'head.cls_subnet.predictor.weight']) {
      expect(a.allVariables().get(name)!.dataSync()).toEqual(b.allVariables().get(name)!.dataSync());
      expect(a.allVariables().get(name)!.dataSync()).not.toEqual(c.allVariables().get(name)!.dataSync());
    }
    for (const d of [a, b, c]) d.dispose();
  });

  it('rejects repeated levels naming the field, and frees what it built', () => {
    const before = tf.memory().numTensors;
    expect(() => buildDetector(tinyRetinaNet({}, { levels: [3, 4, 4] }))).toThrow(ModelConfigError);
    expect(() => buildDetector(tinyRetinaNet({}, { levels: [3, 4, 4] }))).toThrow(/^anchors\.levels/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
