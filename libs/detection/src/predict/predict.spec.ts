import * as tf from '@tensorflow/tfjs-core';
import { DetectorConfigSchema } from '../families';
import type { CocoDataset } from '../eval/coco-format';
import { generateAnchors } from '../anchors';
import { asDenseDetector } from '../models/dense-detector';
import type { Detector } from '../models/detector';
import type { ImageMeta } from '../structures';
import { buildTargets } from '../train/targets';
import { useCpuBackend } from '../train/testing/cpu-backend';
import { buildTinyDetector } from '../train/testing/tiny-detector';
import { evaluateDetector } from './evaluate-detector';
import { predict, toCoco } from './predict';

beforeAll(useCpuBackend);

const meta = (over: Partial<ImageMeta> = {}): ImageMeta => ({
  imageId: 7,
  originalWidth: 64,
  originalHeight: 48,
  scale: 0.5,
  padX: 4,
  padY: 0,
  flipped: false,
  ...over,
});
const one = (box: number[], cls = 0) => ({
  boxes: new Float32Array(box),
  scores: new Float32Array([0.9]),
  classes: new Int32Array([cls]),
});

describe('toCoco', () => {
  it('maps input pixels back through the letterbox: (input − pad) / scale', () => {
    // x: (14 − 4)/0.5 = 20, (34 − 4)/0.5 = 60; y: 10/0.5 = 20, 30/0.5 = 60 → [20, 20, 40, 40]
    const [d] = toCoco(one([14, 10, 34, 30], 1), meta({ originalHeight: 64 }), 32, [3, 5]);
    expect(d).toEqual({ image_id: 7, category_id: 5, bbox: [20, 20, 40, 40], score: expect.closeTo(0.9, 6) });
  });

  it('un-mirrors flipped inputs and clips to the original image', () => {
    // flipped: x1' = 32 − 34 = −2, x2' = 32 − 14 = 18 → (−2 − 4)/0.5 = −12 → 0, (18 − 4)/0.5 = 28
    // y2 = 30/0.5 = 60 → clipped to the height 48
    const [d] = toCoco(one([14, 10, 34, 30]), meta({ flipped: true }), 32);
    expect(d.bbox).toEqual([0, 20, 28, 28]);
    expect(d.category_id).toBe(1); // default: class index + 1
  });

  it('drops boxes that lie in the padding', () => {
    expect(toCoco(one([0, 0, 3, 10]), meta(), 32)).toEqual([]);
  });
});

describe('predict', () => {
  it('returns COCO entries and leaves no tensor behind', async () => {
    const detector = buildTinyDetector({}, 0);
    const images = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const dets = await predict(detector, images, [meta({ imageId: 1 }), meta({ imageId: 2 })], { scoreThreshold: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(dets.length).toBeGreaterThan(0);
    expect(dets.every((d) => [1, 2].includes(d.image_id) && [1, 2].includes(d.category_id))).toBe(true);
    expect(dets.filter((d) => d.image_id === 1).length).toBeLessThanOrEqual(100);
    images.dispose();
    detector.dispose();
  });
});

/**
 * A detector that outputs exactly the training targets of fixed ground truth: logits ±10 on the
 * one-hot targets, deltas = the encoded boxes. Predicting with it must reproduce the ground truth.
 */
function oracle(gt: Float32Array[], labels: Int32Array[]): Detector {
  const config = DetectorConfigSchema.parse({
    model: { inputSize: 32, numClasses: 2 },
    anchors: { levels: [2], scalesPerOctave: 1, aspectRatios: [1], sizeMultiplier: 4 },
  });
  const { anchors } = generateAnchors(config.anchors, 32);
  const t = buildTargets(anchors, gt, labels, 2);
  const A = anchors.length / 4;
  return asDenseDetector({
    config,
    inputSize: 32,
    anchors,
    apply: () =>
      tf.tidy(() => ({
        classLogits: tf.sub(tf.mul(tf.tensor3d(t.classTargets, [gt.length, A, 2]), 20), 10) as tf.Tensor3D,
        boxDeltas: tf.tensor3d(t.boxTargets, [gt.length, A, 4]),
      })),
    trainableVariables: () => new Map(),
    allVariables: () => new Map(),
    dispose: () => undefined,
  });
}

describe('evaluateDetector', () => {
  it('scores AP = 1 for predictions equal to the ground truth, in original pixels', async () => {
    // Input boxes (32 px input) of two 64×64 images (scale 0.5): anchors are 16 px squares on a
    // 4 px grid, so [3, 2, 19, 18] has IoU 240/272 = 0.88 with the anchor [2, 2, 18, 18].
    const gt = [new Float32Array([3, 2, 19, 18]), new Float32Array([10, 10, 26, 26, 0, 14, 16, 30])];
    const labels = [new Int32Array([0]), new Int32Array([1, 0])];
    const groundTruth: CocoDataset = {
      images: [{ id: 1, width: 64, height: 64 }, { id: 2, width: 64, height: 64 }],
      categories: [{ id: 10, name: 'a' }, { id: 20, name: 'b' }],
      annotations: [
        { id: 1, image_id: 1, category_id: 10, bbox: [6, 4, 32, 32], area: 1024 },
        { id: 2, image_id: 2, category_id: 20, bbox: [20, 20, 32, 32], area: 1024 },
        { id: 3, image_id: 2, category_id: 10, bbox: [0, 28, 32, 32], area: 1024 },
      ],
    };
    const m = (imageId: number) => ({ imageId, originalWidth: 64, originalHeight: 64, scale: 0.5, padX: 0, padY: 0, flipped: false });
    async function* batches() {
      yield { images: tf.zeros([2, 32, 32, 3]) as tf.Tensor4D, meta: [m(1), m(2)] };
    }
    const before = tf.memory().numTensors;
    const { coco, detections } = await evaluateDetector(oracle(gt, labels), { groundTruth, categoryIds: [10, 20], batches: batches() });
    expect(tf.memory().numTensors).toBe(before);
    expect(coco.stats.AP).toBeCloseTo(1, 9);
    expect(coco.stats.AP50).toBeCloseTo(1, 9);
    expect(coco.perCategory.map((c) => c.categoryId)).toEqual([10, 20]);
    const best = detections.find((d) => d.image_id === 2 && d.category_id === 20)!;
    best.bbox.forEach((v, i) => expect(v).toBeCloseTo([20, 20, 32, 32][i], 3));
  });
});
