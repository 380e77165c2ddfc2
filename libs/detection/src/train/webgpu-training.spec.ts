import { ALLOW_SOFTWARE_GPU, initBackend } from '@ablate/engine';
import * as tf from '@tensorflow/tfjs-core';
import type { DetectorConfig } from '../config';
import { DetectorConfigSchema } from '../families';
import { buildDetector } from '../models/build-detector';
import { tinyEfficientDet, tinyRetinaNet } from '../models/testing/tiny-configs';
import { keypointFiguresSource, tinyKeypointRcnn } from '../models/two-stage/keypoint-testing';
import { maskedShapesSource, tinyMaskRcnn } from '../models/two-stage/mask-testing';
import { tinyFasterRcnn } from '../models/two-stage/testing/tiny-two-stage';
import type { TrainDataSource } from '../structures';
import { gradientErrors, median, trainedLosses } from './backend-parity';
import { squaresSource } from './testing/squares-source';

/**
 * The training path on the webgpu backend (Dawn on Mesa's lavapipe here: scripts/vulkan.sh installs
 * it, and without it these tests fail, they do not skip), against the cpu backend as reference.
 * Shaders compile slowly on lavapipe and the cpu backend is slow: tiny nets on 32 px images, batch
 * 1, three steps.
 */

const SIZE = 32;
const BATCH = 1;
const STEPS = 3;

async function use(backend: 'cpu' | 'webgpu'): Promise<void> {
  await initBackend(backend, { log: () => undefined });
}

beforeAll(async () => {
  vi.stubEnv(ALLOW_SOFTWARE_GPU, '1');
  // Fails here, with Dawn's reason, on a machine without a Vulkan driver (run scripts/vulkan.sh).
  await use('webgpu');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

/** Low-quality matches: at 32 px a square may overlap no anchor by IoU 0.5, and a loss without positives tests less. */
const withPositives = (c: DetectorConfig): DetectorConfig => ({ ...c, matcher: { ...c.matcher, lowQualityMatches: true } });
const at = (c: DetectorConfig, inputSize: number): DetectorConfig => ({ ...c, model: { ...c.model, inputSize } });

const RETINANET = withPositives(tinyRetinaNet({ inputSize: SIZE }, { levels: [3, 4], sizeMultiplier: 2 }));
const EFFICIENTDET = withPositives(tinyEfficientDet({ inputSize: SIZE }));
/** R-CNN (the spec of models/rcnn, at 32 px): sliding-window proposals, 16 px warps, 4 regions an image. */
const RCNN = DetectorConfigSchema.parse({
  model: { arch: 'rcnn', backbone: 'resnet18', backboneWidth: 0.25, inputSize: SIZE, numClasses: 2 },
  proposals: { slidingWindow: { sizes: [0.3, 0.5], aspectRatios: [1], stride: 0.5 } },
  rcnn: { fcDim: 32, batchPerImage: 4, warpSize: 16 },
});

/** The families, tiny, each with a source of its kind of batches (masks for Mask R-CNN). */
const FAMILIES: [string, DetectorConfig, () => TrainDataSource][] = [
  ['retinanet', RETINANET, () => squares(SIZE)],
  ['efficientdet', EFFICIENTDET, () => squares(SIZE)],
  ['faster-rcnn', at(tinyFasterRcnn({ rpn: { features: 'fpn' }, roi: { pooler: 'align' } }), SIZE), () => squares(SIZE)],
  ['mask-rcnn', at(tinyMaskRcnn(), SIZE), () => maskedShapesSource({ seed: 3, size: SIZE, batchSize: BATCH, batchesPerEpoch: STEPS })],
  ['keypoint-rcnn', at(tinyKeypointRcnn(), SIZE), () => keypointFiguresSource({ seed: 3, size: SIZE, batchSize: BATCH, batchesPerEpoch: STEPS })],
  ['rcnn', RCNN, () => squares(SIZE)],
];

function squares(size: number): TrainDataSource {
  return squaresSource({ seed: 3, size, batchSize: BATCH, batchesPerEpoch: STEPS, numClasses: 2 });
}

describe('training on webgpu (Dawn + lavapipe) against the cpu backend', { timeout: 120_000 }, () => {
  it.each(FAMILIES.slice(0, 2))('%s: every variable gets the gradient the cpu backend computes', async (_name, config, source) => {
    const errors = await gradientErrors(config, source, 'webgpu');
    // float32 on both sides, different summation orders: the feasibility run measured a
    // median relative error of 6e-6 (RetinaNet-R18) and 2e-4 (EfficientDet-d0), worst 5e-3 / 7e-3.
    expect(median(errors)).toBeLessThan(1e-3);
    expect(Math.max(...errors)).toBeLessThan(2e-2);
  });

  it.each(FAMILIES)('%s trains: the losses of each step match the cpu backend', async (_name, config, source) => {
    const cpu = await trainedLosses('cpu', config, source);
    const gpu = await trainedLosses('webgpu', config, source);
    expect(gpu).toHaveLength(STEPS);
    for (let s = 0; s < STEPS; s++) {
      // Step 1's loss is a forward pass at the initial weights: relative 1e-4. Later ones follow Adam
      // updates, which scale every gradient to ±lr whatever its size, so rounding differences in tiny
      // gradients move weights by a full step: relative 1e-2 (measured ≤ 2e-3). A wrong kernel, a
      // wrong gradient or a skipped update is off by far more. 1e-4 absolute for parts near zero.
      const tolerance = s === 0 ? 1e-4 : 1e-2;
      for (let p = 0; p < cpu[s]!.length; p++) {
        expect(Math.abs(gpu[s]![p]! - cpu[s]![p]!), `step ${s + 1}, value ${p}`).toBeLessThan(Math.max(tolerance * Math.abs(cpu[s]![p]!), 1e-4));
      }
    }
  });

  it.each(FAMILIES)('%s detects on webgpu (every read asynchronous; after training, whose forward kernels it reuses), leaving no tensor', async (_name, config, source) => {
    await use('webgpu');
    const detector = buildDetector(config, { seed: 1, loadBackboneWeights: false });
    const batch = (await source().batches(0)[Symbol.asyncIterator]().next()).value!;
    try {
      const before = tf.memory().numTensors;
      const detections = await detector.detect(batch.images, { scoreThreshold: 0, meta: batch.meta });
      expect(detections).toHaveLength(BATCH);
      for (const d of detections) expect(d.boxes.length).toBe(4 * d.scores.length);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      batch.images.dispose();
      detector.dispose();
    }
  });
});
