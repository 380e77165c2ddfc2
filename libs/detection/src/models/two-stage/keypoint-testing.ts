import * as tf from '@tensorflow/tfjs-core';
import { type DetectorConfig } from '../../config';
import { DetectorConfigSchema } from '../../families';
import type { PredictBatch } from '../../predict/evaluate-detector';
import type { ImageMeta, TrainBatch, TrainDataSource } from '../../structures';
import { mulberry32 } from '../../train/testing/squares-source';

/**
 * Test data for Keypoint R-CNN inside @ablate/detection (which cannot use @ablate/data's
 * synthetic people): one grey rectangle an image with K = 3 keypoints inside it, keypoint j a
 * 3×3 dot in colour channel j; keypoint 2 is hidden (not drawn, v = 0) in about a third of the
 * images. Keypoints are COCO pixel indices (the dot's centre pixel), as a batch carries them.
 */
export const TEST_KEYPOINTS = 3;

interface KeypointFigure {
  pixels: Float32Array;
  box: Float32Array;
  /** K·3 (x, y, v). */
  keypoints: Float32Array;
}

function drawFigure(rand: () => number, size: number): KeypointFigure {
  const w = Math.round(size * (0.35 + 0.3 * rand()));
  const h = Math.round(size * (0.35 + 0.3 * rand()));
  const x0 = Math.floor(rand() * (size - w));
  const y0 = Math.floor(rand() * (size - h));
  const pixels = new Float32Array(size * size * 3);
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) pixels.fill(0.3, (y * size + x) * 3, (y * size + x) * 3 + 3);
  const keypoints = new Float32Array(TEST_KEYPOINTS * 3);
  for (let j = 0; j < TEST_KEYPOINTS; j++) {
    const x = x0 + 1 + Math.floor(rand() * (w - 2));
    const y = y0 + 1 + Math.floor(rand() * (h - 2));
    const hidden = j === 2 && rand() < 0.35;
    keypoints.set([hidden ? 0 : x, hidden ? 0 : y, hidden ? 0 : 2], 3 * j);
    if (hidden) continue;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) pixels[((y + dy) * size + x + dx) * 3 + j] = 1;
  }
  return { pixels, box: Float32Array.of(x0, y0, x0 + w, y0 + h), keypoints };
}

const meta = (imageId: number, size: number): ImageMeta => ({ imageId, originalWidth: size, originalHeight: size, scale: 1, padX: 0, padY: 0, flipped: false });

/** A deterministic keypoint TrainDataSource (batch i of epoch e depends on (seed, e, i) only). */
export function keypointFiguresSource(options: { seed: number; size: number; batchSize: number; batchesPerEpoch: number }): TrainDataSource {
  const { size, batchSize } = options;
  return {
    batchesPerEpoch: options.batchesPerEpoch,
    numClasses: 1,
    async *batches(epoch: number, fromBatch = 0): AsyncIterable<TrainBatch> {
      for (let i = fromBatch; i < options.batchesPerEpoch; i++) {
        const rand = mulberry32(options.seed * 1_000_003 + epoch * 1009 + i);
        const figures = Array.from({ length: batchSize }, () => drawFigure(rand, size));
        yield {
          ...imagesOf(figures, size),
          gtBoxes: figures.map((f) => f.box),
          gtLabels: figures.map(() => Int32Array.of(0)),
          gtKeypoints: figures.map((f) => f.keypoints),
          meta: figures.map((_, b) => meta(epoch * 100_000 + i * batchSize + b, size)),
        };
      }
    },
  };
}

/** `count` figures as one prediction batch, with their keypoints (K·3 each, COCO pixel indices). */
export function keypointFiguresEvalSet(seed: number, count: number, size: number): { keypoints: Float32Array[]; batch: () => PredictBatch } {
  const rand = mulberry32(seed);
  const figures = Array.from({ length: count }, () => drawFigure(rand, size));
  return {
    keypoints: figures.map((f) => f.keypoints),
    batch: () => ({ images: imagesOf(figures, size).images, meta: figures.map((_, i) => meta(i + 1, size)) }),
  };
}

function imagesOf(figures: readonly KeypointFigure[], size: number): { images: tf.Tensor4D } {
  const pixels = new Float32Array(figures.length * size * size * 3);
  figures.forEach((f, b) => pixels.set(f.pixels, b * f.pixels.length));
  return { images: tf.tensor4d(pixels, [figures.length, size, size, 3]) };
}

/** A CPU-sized Keypoint R-CNN for 64×64 figures: the tiny Faster R-CNN of the two-stage tests plus a 16-wide, 1-conv keypoint head at 16×16. */
export function tinyKeypointRcnn(over: { keypoints?: Partial<DetectorConfig['keypoints']>; roi?: Partial<DetectorConfig['roi']> } = {}): DetectorConfig {
  return DetectorConfigSchema.parse({
    model: { arch: 'keypoint-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, inputSize: 64, numClasses: 1, norm: 'none' },
    anchors: { levels: [2, 3], scalesPerOctave: 2, sizeMultiplier: 6, aspectRatios: [1] },
    rpn: { batchPerImage: 64, trainProposals: 200, proposals: 50, preNmsTopKTrain: 400, preNmsTopKTest: 200 },
    roi: { fcDim: 64, convDim: 16, batchPerImage: 32, ...over.roi },
    keypoints: { numKeypoints: TEST_KEYPOINTS, resolution: 16, convs: 1, channels: 16, ...over.keypoints },
  });
}
