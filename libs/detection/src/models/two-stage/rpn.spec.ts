import * as tf from '@tensorflow/tfjs-core';
import { BoxCoder } from '../../boxes';
import { iou } from '../../boxes/iou';
import { DetectorConfigSchema } from '../../families';
import { useTestBackend } from '../testing/tiny-configs';
import { FASTER_RCNN_C4_ANCHORS, rpnAnchors } from './rpn-anchors';
import { rpnLoss, rpnTargets, selectProposals } from './rpn';
import { seededRandom } from './faster-rcnn';

beforeAll(useTestBackend);

const box = (...v: number[]) => new Float32Array(v);

describe('rpnTargets (Faster R-CNN §3.1.2)', () => {
  // Four hand-made anchors and one GT [0, 0, 10, 10]:
  //   a0 = GT itself (IoU 1, positive), a1 = [0, 0, 10, 12] (IoU 100/120 = 0.83, positive),
  //   a2 = [0, 0, 10, 20] (IoU 0.5, ignored), a3 = [50, 50, 60, 60] (IoU 0, negative).
  const anchors = box(0, 0, 10, 10, 0, 0, 10, 12, 0, 0, 10, 20, 50, 50, 60, 60);
  const gt = [box(0, 0, 10, 10)];

  it('labels ≥ 0.7 positive, < 0.3 negative, between ignored, with deltas to the GT', () => {
    const t = rpnTargets(anchors, gt, { batchPerImage: 256, positiveFraction: 0.5, random: seededRandom(0, 1) });
    expect(Array.from(t.labels)).toEqual([1, 1, 0, 0]);
    expect(Array.from(t.weights)).toEqual([1, 1, 0, 1]);
    expect(Array.from(t.boxWeights)).toEqual([1, 1, 0, 0]);
    expect(t.numPositives).toBe(2);
    const expected = new BoxCoder().encode(box(0, 0, 10, 10), box(0, 0, 10, 12));
    Array.from(t.boxTargets.subarray(4, 8)).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    expect(Array.from(t.boxTargets.subarray(0, 4))).toEqual([0, 0, 0, 0]);
  });

  it("makes a GT's best anchor positive even below 0.7 (low-quality match)", () => {
    // Only anchor: [0, 0, 10, 20] with IoU 0.5.
    const t = rpnTargets(box(0, 0, 10, 20, 50, 50, 60, 60), gt, { batchPerImage: 256, positiveFraction: 0.5, random: Math.random });
    expect(Array.from(t.labels)).toEqual([1, 0]);
  });

  it('samples at most batchPerImage anchors with at most half positives', () => {
    // 40 anchors equal to the GT (positives) and 200 far away (negatives): 16 sampled → 8 + 8.
    const many = new Float32Array(240 * 4);
    for (let i = 0; i < 240; i++) many.set(i < 40 ? [0, 0, 10, 10] : [100, 100, 110, 110], 4 * i);
    const t = rpnTargets(many, gt, { batchPerImage: 16, positiveFraction: 0.5, random: seededRandom(1, 2) });
    expect(t.numPositives).toBe(8);
    expect(t.numSampled).toBe(16);
    expect(t.weights.reduce((a, b) => a + b, 0)).toBe(16);
  });

  it('loss: BCE over sampled anchors and smooth-L1 over positives, / (batchPerImage · B)', () => {
    const t = rpnTargets(anchors, gt, { batchPerImage: 4, positiveFraction: 0.5, random: seededRandom(0, 1) });
    const out = { objectness: tf.zeros([1, 4]) as tf.Tensor2D, deltas: tf.zeros([1, 4, 4]) as tf.Tensor3D };
    const l = rpnLoss(out, t, 4);
    // 3 sampled anchors at logit 0: 3·ln 2 / 4.
    expect(l.objectness.dataSync()[0]).toBeCloseTo((3 * Math.log(2)) / 4, 5);
    expect(l.box.dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([out.objectness, out.deltas, l.objectness, l.box]);
  });
});

describe('selectProposals', () => {
  it('decodes, sorts by objectness, applies NMS within a level and keeps the top N', () => {
    // Level 0: three anchors, two nearly identical (IoU 0.81 > 0.7) → the weaker is suppressed.
    // Level 1: one anchor overlapping level 0's best: other levels never suppress it.
    const anchors = box(0, 0, 10, 10, 0, 0, 10, 11, 30, 30, 40, 40, 0, 0, 10, 10);
    const scores = new Float32Array([2, 1, 0.5, 3]);
    const deltas = new Float32Array(16);
    const p = selectProposals(scores, deltas, anchors, [3, 1], { preNmsTopK: 10, postNmsTopK: 10, nmsThresh: 0.7, imageSize: 64 });
    expect(Array.from(p.scores)).toEqual([3, 2, 0.5]);
    expect(Array.from(p.boxes.subarray(8, 12))).toEqual([30, 30, 40, 40]);
    const limited = selectProposals(scores, deltas, anchors, [3, 1], { preNmsTopK: 10, postNmsTopK: 2, nmsThresh: 0.7, imageSize: 64 });
    expect(Array.from(limited.scores)).toEqual([3, 2]);
    // Pre-NMS top-1 per level: only the best of each level is considered.
    const pre = selectProposals(scores, deltas, anchors, [3, 1], { preNmsTopK: 1, postNmsTopK: 10, nmsThresh: 0.7, imageSize: 64 });
    expect(Array.from(pre.scores)).toEqual([3, 2]);
  });

  it('clips to the image and drops empty boxes; no pair left overlaps above the threshold', () => {
    const anchors = box(-20, -20, -5, -5, 50, 50, 80, 80, 10, 10, 20, 20);
    const p = selectProposals(new Float32Array([5, 4, 3]), new Float32Array(12), anchors, [3], {
      preNmsTopK: 10,
      postNmsTopK: 10,
      nmsThresh: 0.7,
      imageSize: 64,
    });
    expect(Array.from(p.boxes)).toEqual([50, 50, 64, 64, 10, 10, 20, 20]);
    const o = iou(p.boxes, p.boxes);
    expect(o[1]).toBeLessThanOrEqual(0.7);
  });
});

describe('rpnAnchors', () => {
  it("'c4': the paper's 3 scales × 3 ratios at stride 16 (Faster R-CNN §3.1.1)", () => {
    const a = rpnAnchors(FASTER_RCNN_C4_ANCHORS, 'c4', 64);
    expect(a.anchorsPerPosition).toBe(9);
    expect(a.levels).toEqual([4]);
    expect(a.levelCounts).toEqual([4 * 4 * 9]);
    // Position (0, 0), centre (8, 8): a = 1 is side 128, ratio 1; a = 3 is side 256, ratio 0.5 (w = 256·√2).
    expect(Array.from(a.anchors.subarray(4, 8))).toEqual([-56, -56, 72, 72]);
    const w = 256 * Math.SQRT2;
    expect(a.anchors[12 + 2] - a.anchors[12]).toBeCloseTo(w, 3);
  });

  it("'fpn': one size per level from the anchors config, 32²…512² with the FPN preset", () => {
    const config = DetectorConfigSchema.parse({ anchors: { levels: [2, 3, 4, 5, 6], scalesPerOctave: 1, sizeMultiplier: 8 } });
    const a = rpnAnchors(config.anchors, 'fpn', 128);
    expect(a.levels).toEqual([2, 3, 4, 5, 6]);
    expect(a.levelCounts).toEqual([32 * 32 * 3, 16 * 16 * 3, 8 * 8 * 3, 4 * 4 * 3, 2 * 2 * 3]);
    // First anchor of P2: ratio 0.5, side 32 → w = 32·√2, h = 32/√2, area 32².
    const [x1, y1, x2, y2] = Array.from(a.anchors.subarray(0, 4));
    expect((x2 - x1) * (y2 - y1)).toBeCloseTo(1024, 2);
  });
});
