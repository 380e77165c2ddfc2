import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iou } from '../../boxes/iou';
import { RcnnConfigSchema, type DetectorConfig } from '../../config';
import { DetectorConfigSchema } from '../../families';
import { countDetectorParameters } from '../../memory/count-parameters';
import { featureDensity } from '../../memory/feature-density';
import { mulberry32 } from '../../nn/random';
import { trainStep } from '../../train/train-step';
import { createOptimizer } from '../../train/optimizers';
import { squaresSource } from '../../train/testing/squares-source';
import type { TrainBatch } from '../../structures';
import { buildDetector } from '../build-detector';
import { ModelConfigError } from '../model-error';
import { useTestBackend } from '../testing/tiny-configs';
import { Rcnn } from './rcnn';
import { sampleRegions } from './sample-regions';
import { warpRegions } from './warp-regions';

beforeAll(useTestBackend);

/** A CPU-sized R-CNN for 64×64 squares: ResNet-18 at width 0.25, 32 px warps, a 32-d hidden layer, 8 regions per image. */
function tinyRcnn(over: { rcnn?: Partial<DetectorConfig['rcnn']>; proposals?: Record<string, unknown> } = {}): DetectorConfig {
  return DetectorConfigSchema.parse({
    model: { arch: 'rcnn', backbone: 'resnet18', backboneWidth: 0.25, inputSize: 64, numClasses: 2 },
    proposals: { slidingWindow: { sizes: [0.3, 0.5], aspectRatios: [1], stride: 0.5 }, ...over.proposals },
    rcnn: { fcDim: 32, batchPerImage: 8, ...over.rcnn },
  });
}

async function firstBatch(): Promise<TrainBatch> {
  const it = squaresSource({ seed: 1, size: 64, batchSize: 2, batchesPerEpoch: 1, numClasses: 2 }).batches(0)[Symbol.asyncIterator]();
  return (await it.next()).value as TrainBatch;
}

describe('warpRegions', () => {
  let image: tf.Tensor4D;
  beforeAll(() => {
    image = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  });
  afterAll(() => image.dispose());

  it('copies a box of the warp size on the pixel grid exactly', () => {
    const crop = warpRegions(image, Float32Array.of(8, 12, 24, 28), Int32Array.of(0), 16, 0);
    const patch = tf.slice(image, [0, 12, 8, 0], [1, 16, 16, 3]);
    expect(crop.shape).toEqual([1, 16, 16, 3]);
    expect(tf.max(tf.abs(tf.sub(crop, patch))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([crop, patch]);
  });

  it('averages 2×2 for a box twice the warp size, and adds the context of appendix A', () => {
    const patch = tf.avgPool(tf.slice(image, [0, 16, 0, 0], [1, 32, 32, 3]), 2, 2, 'valid');
    const crop = warpRegions(image, Float32Array.of(0, 16, 32, 48), Int32Array.of(0), 16, 0);
    expect(tf.max(tf.abs(tf.sub(crop, patch))).dataSync()[0]).toBeLessThan(1e-5);
    // Padding 1/4 of the warp per side dilates [8, 24, 24, 40] by 1 / (1 − 2/4) = 2 about its centre: [0, 16, 32, 48].
    const padded = warpRegions(image, Float32Array.of(8, 24, 24, 40), Int32Array.of(0), 16, 0.25);
    expect(tf.max(tf.abs(tf.sub(padded, patch))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([crop, patch, padded]);
  });

  it('fills context beyond the image with 0 (the mean of a normalised input)', () => {
    // [−16, 0, 16, 32] warped to 16: the left half of every row is outside the image.
    const crop = warpRegions(image, Float32Array.of(-16, 0, 16, 32), Int32Array.of(0), 16, 0);
    const outside = tf.slice(crop, [0, 0, 0, 0], [1, 16, 7, 3]);
    expect(tf.max(tf.abs(outside)).dataSync()[0]).toBe(0);
    tf.dispose([crop, outside]);
  });
});

describe('sampleRegions', () => {
  const config = RcnnConfigSchema.parse({ batchPerImage: 16 });
  const gt = Float32Array.of(0, 0, 20, 20);
  /** Boxes [0, 0, 20, 20 + d]: IoU 20 / (20 + d) with the ground truth. */
  const tall = (d: number) => [0, 0, 20, 20 + d];

  it('labels IoU ≥ 0.5 positive and below background, with at most 25 % positives', () => {
    // IoUs 1/1.0 (d 0), 0.8 (d 5), 0.5 (d 20), 0.4878 (d 21), 0.25 (d 60) … many of each.
    const proposals = Float32Array.from([0, 5, 20, 21, 60].flatMap((d) => Array.from({ length: 10 }, () => tall(d)).flat()));
    const s = sampleRegions(proposals, gt, Int32Array.of(1), config, mulberry32(1));
    expect(s.count).toBe(16);
    const positives = Array.from(s.labels).filter((l) => l > 0);
    // R-CNN §2.3: 32 of 128 positives, i.e. 4 of 16.
    expect(positives).toEqual([2, 2, 2, 2]);
    for (let i = 0; i < s.count; i++) {
      const v = iou(s.boxes.subarray(4 * i, 4 * i + 4), gt)[0];
      if (s.labels[i] > 0) expect(v).toBeGreaterThanOrEqual(0.5);
      else expect(v).toBeLessThan(0.5);
    }
    // A floor (Fast R-CNN's 0.1) leaves out the background below it.
    const floored = sampleRegions(Float32Array.from([...tall(0), ...tall(200)]), gt, Int32Array.of(0), { ...config, bgLow: 0.1 }, mulberry32(1));
    expect(Array.from(floored.maxIou)).toEqual([1, 1]);
  });

  it('fills the batch with background when there is no positive, or no object at all', () => {
    const proposals = Float32Array.from(Array.from({ length: 30 }, () => tall(60)).flat());
    const farGt = Float32Array.of(40, 40, 60, 60);
    // The ground truth itself is the only positive: 1 of 16, the other 15 background.
    const s = sampleRegions(proposals, farGt, Int32Array.of(0), config, mulberry32(2));
    expect(Array.from(s.labels).filter((l) => l > 0)).toEqual([1]);
    expect(s.count).toBe(16);
    const none = sampleRegions(proposals, new Float32Array(0), new Int32Array(0), config, mulberry32(2));
    expect(none.count).toBe(16);
    expect(Array.from(none.labels).every((l) => l === 0)).toBe(true);
  });
});

describe('Rcnn', () => {
  it('builds from the config, with the backbone on regions or on the image', () => {
    for (const features of ['warp', 'shared'] as const) {
      const d = buildDetector(tinyRcnn({ rcnn: { features } }), { seed: 1 });
      expect(d).toBeInstanceOf(Rcnn);
      const names = [...d.trainableVariables().keys()];
      expect(names).toEqual(expect.arrayContaining(['head.fc.weight', 'head.predictor.cls.weight', 'head.predictor.box.weight']));
      // warp: C5 of a 32 px region is 1×1×128; shared: 7×7 of C4 (64 channels).
      expect(d.trainableVariables().get('head.fc.weight')!.shape).toEqual([features === 'warp' ? 128 : 7 * 7 * 64, 32]);
      d.dispose();
    }
  });

  it('takes a training step and detects without leaking a tensor, for both region features', async () => {
    const batch = await firstBatch();
    for (const features of ['warp', 'shared'] as const) {
      const d = buildDetector(tinyRcnn({ rcnn: { features } }), { seed: 1 });
      const optimizer = createOptimizer({ optimizer: 'adamw', momentum: 0.9, weightDecay: 0 });
      await trainStep({ detector: d, optimizer }, batch, 1e-3, 1);
      const before = tf.memory().numTensors;
      const r = await trainStep({ detector: d, optimizer }, batch, 1e-3, 2);
      expect(r.finite).toBe(true);
      expect(Object.keys(r.parts).sort()).toEqual(['box', 'cls']);
      // 8 regions per image, 25 % positive: 2 per image.
      expect(r.numPositives).toBe(4);
      expect(tf.memory().numTensors).toBe(before);
      const dets = await d.detect(batch.images, { scoreThreshold: 0 });
      expect(dets).toHaveLength(2);
      expect(dets[0].scores.length).toBeGreaterThan(0);
      expect(tf.memory().numTensors).toBe(before);
      optimizer.dispose();
      d.dispose();
    }
    batch.images.dispose();
  });

  it('takes a step on images that give no region (no object, background floor above 0) without failing or leaking', async () => {
    const d = buildDetector(tinyRcnn({ rcnn: { bgLow: 0.1 } }), { seed: 1 });
    const optimizer = createOptimizer({ optimizer: 'sgd', momentum: 0.9, weightDecay: 0 });
    const batch: TrainBatch = {
      images: tf.zeros([1, 64, 64, 3]) as tf.Tensor4D,
      gtBoxes: [new Float32Array(0)],
      gtLabels: [new Int32Array(0)],
      meta: [{ imageId: 1, originalWidth: 64, originalHeight: 64, scale: 1, padX: 0, padY: 0, flipped: false }],
    };
    await trainStep({ detector: d, optimizer }, batch, 1e-3, 1);
    const before = tf.memory().numTensors;
    const r = await trainStep({ detector: d, optimizer }, batch, 1e-3, 2);
    expect([r.loss, r.numPositives, r.finite]).toEqual([0, 0, true]);
    expect(tf.memory().numTensors).toBe(before);
    batch.images.dispose();
    optimizer.dispose();
    d.dispose();
  });

  it('reads proposals from a file by image id, and names a bad file and entry when built', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ablate-rcnn-'));
    const batch = await firstBatch();
    try {
      const path = join(dir, 'proposals.json');
      const [id0, id1] = batch.meta.map((m) => m.imageId);
      writeFileSync(path, JSON.stringify([{ image_id: id0, bbox: [1, 2, 30, 40], score: 1 }, { image_id: id1, bbox: [5, 5, 10, 10], score: 0.5 }]));
      const d = buildDetector(tinyRcnn({ proposals: { source: 'file', file: path } }), { seed: 1 }) as Rcnn;
      expect((await d.regionProposals(batch.images, batch.meta)).map((p) => Array.from(p))).toEqual([[1, 2, 31, 42], [5, 5, 15, 15]]);
      await expect(d.detect(batch.images)).rejects.toThrow(/needs the ImageMeta/);
      const dets = await d.detect(batch.images, { meta: batch.meta, scoreThreshold: 0 });
      // One region per image: at most one detection per class.
      expect(dets.map((x) => x.scores.length <= 2)).toEqual([true, true]);
      d.dispose();
      writeFileSync(path, JSON.stringify([{ image_id: 1, bbox: [0, 0, 1, 1], score: 1 }, { image_id: 1, bbox: [0, 0, -1, 1], score: 1 }]));
      expect(() => buildDetector(tinyRcnn({ proposals: { source: 'file', file: path } }))).toThrow(ModelConfigError);
      expect(() => buildDetector(tinyRcnn({ proposals: { source: 'file', file: path } }))).toThrow(`${path} [1].bbox: width and height must be positive`);
      // Only the structure (parameter counts): the file is not read.
      buildDetector(tinyRcnn({ proposals: { source: 'file', file: join(dir, 'absent.json') } }), { structureOnly: true }).dispose();
    } finally {
      batch.images.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts its parameters by its own sections (a sweep over rcnn.fcDim changes the count)', async () => {
    const narrow = await countDetectorParameters(tinyRcnn());
    const built = buildDetector(tinyRcnn({ rcnn: { fcDim: 64 } }));
    expect(await countDetectorParameters(tinyRcnn({ rcnn: { fcDim: 64 } }))).toBe(built.countParameters());
    expect(built.countParameters()).toBeGreaterThan(narrow);
    built.dispose();
  });

  it('counts its memory on the regions: no backbone per input pixel when it warps', () => {
    const warp = featureDensity(tinyRcnn());
    const shared = featureDensity(tinyRcnn({ rcnn: { features: 'shared' } }));
    expect(warp.perPixel).toBe(0);
    expect(warp.perImage).toBeGreaterThan(0);
    expect(shared.perPixel).toBeGreaterThan(0);
    // Twice the regions, twice the per-image floats.
    expect(featureDensity(tinyRcnn({ rcnn: { batchPerImage: 16 } })).perImage).toBe(2 * warp.perImage);
  });
});
