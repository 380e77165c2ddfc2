import * as tf from '@tensorflow/tfjs-core';
import { type DetectorConfig } from '../../config';
import { DetectorConfigSchema } from '../../families';
import type { CocoDataset } from '../../eval/coco-format';
import { rleEncode } from '../../masks/rle';
import { rleToString } from '../../masks/rle-string';
import type { PredictBatch } from '../../predict/evaluate-detector';
import type { ImageMeta, InstanceMasks, TrainBatch, TrainDataSource } from '../../structures';
import { mulberry32 } from '../../train/testing/squares-source';

/**
 * Test data for Mask R-CNN inside @ablate/detection (which cannot use @ablate/data's synthetic
 * shapes): one object per image, class 0 a triangle (apex up), class 1 a disc, drawn in its own
 * colour channel. A triangle covers half its box, so a box-shaped "mask" has IoU ≈ 0.5 with it:
 * mask AP50 well above that needs real masks.
 */
export interface MaskedShape {
  pixels: Float32Array;
  box: Float32Array;
  label: number;
  /** size×size, row-major 0/1. */
  mask: Uint8Array;
}

export function drawMaskedShape(rand: () => number, size: number): MaskedShape {
  const side = Math.round(size * (0.35 + 0.3 * rand()));
  const x0 = Math.floor(rand() * (size - side));
  const y0 = Math.floor(rand() * (size - side));
  const label = rand() < 0.5 ? 0 : 1;
  const pixels = new Float32Array(size * size * 3);
  const mask = new Uint8Array(size * size);
  let bx0 = size, by0 = size, bx1 = 0, by1 = 0;
  for (let y = y0; y < y0 + side; y++) {
    for (let x = x0; x < x0 + side; x++) {
      // Normalised pixel centre in [−1, 1]².
      const u = ((x + 0.5 - x0) / side) * 2 - 1;
      const v = ((y + 0.5 - y0) / side) * 2 - 1;
      const inside = label === 0 ? Math.abs(u) <= (v + 1) / 2 : u * u + v * v <= 1;
      if (!inside) continue;
      mask[y * size + x] = 1;
      pixels[(y * size + x) * 3 + label] = 1;
      bx0 = Math.min(bx0, x);
      by0 = Math.min(by0, y);
      bx1 = Math.max(bx1, x + 1);
      by1 = Math.max(by1, y + 1);
    }
  }
  return { pixels, box: Float32Array.of(bx0, by0, bx1, by1), label, mask };
}

/** The shape's mask as InstanceMasks (its tight box as the window). */
function instanceMasksOf(shape: MaskedShape, size: number): InstanceMasks {
  const [x0, y0, x1, y1] = Array.from(shape.box);
  const w = x1! - x0!;
  const h = y1! - y0!;
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = shape.mask[(y0! + y) * size + x0! + x]!;
  return { inputSize: size, windows: Int32Array.of(x0!, y0!, w, h), offsets: Int32Array.of(0), data };
}

const meta = (imageId: number, size: number): ImageMeta => ({ imageId, originalWidth: size, originalHeight: size, scale: 1, padX: 0, padY: 0, flipped: false });

/** A deterministic masked TrainDataSource (batch i of epoch e depends on (seed, e, i) only). */
export function maskedShapesSource(options: { seed: number; size: number; batchSize: number; batchesPerEpoch: number }): TrainDataSource {
  const { size, batchSize } = options;
  return {
    batchesPerEpoch: options.batchesPerEpoch,
    numClasses: 2,
    async *batches(epoch: number, fromBatch = 0): AsyncIterable<TrainBatch> {
      for (let i = fromBatch; i < options.batchesPerEpoch; i++) {
        const rand = mulberry32(options.seed * 1_000_003 + epoch * 1009 + i);
        const shapes = Array.from({ length: batchSize }, () => drawMaskedShape(rand, size));
        const pixels = new Float32Array(batchSize * size * size * 3);
        shapes.forEach((s, b) => pixels.set(s.pixels, b * s.pixels.length));
        yield {
          images: tf.tensor4d(pixels, [batchSize, size, size, 3]),
          gtBoxes: shapes.map((s) => s.box),
          gtLabels: shapes.map((s) => Int32Array.of(s.label)),
          gtMasks: shapes.map((s) => instanceMasksOf(s, size)),
          meta: shapes.map((_, b) => meta(epoch * 100_000 + i * batchSize + b, size)),
        };
      }
    },
  };
}

/** `count` masked images as one evaluation batch and their COCO ground truth with `segmentation` (compressed RLE). */
export function maskedShapesEvalSet(seed: number, count: number, size: number): { groundTruth: CocoDataset; batch: () => PredictBatch } {
  const rand = mulberry32(seed);
  const shapes = Array.from({ length: count }, () => drawMaskedShape(rand, size));
  const groundTruth: CocoDataset = {
    images: shapes.map((_, i) => ({ id: i + 1, width: size, height: size })),
    categories: [
      { id: 1, name: 'triangle' },
      { id: 2, name: 'disc' },
    ],
    annotations: shapes.map((s, i) => {
      const [x1, y1, x2, y2] = Array.from(s.box) as [number, number, number, number];
      // COCO masks are column-major.
      const colMajor = new Uint8Array(size * size);
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) colMajor[x * size + y] = s.mask[y * size + x]!;
      const rle = rleEncode(colMajor, size, size);
      const area = s.mask.reduce((a, v) => a + v, 0);
      return { id: i + 1, image_id: i + 1, category_id: s.label + 1, bbox: [x1, y1, x2 - x1, y2 - y1], area, iscrowd: 0, segmentation: { size: [size, size], counts: rleToString(rle) } };
    }),
  };
  const batch = (): PredictBatch => {
    const pixels = new Float32Array(count * size * size * 3);
    shapes.forEach((s, b) => pixels.set(s.pixels, b * s.pixels.length));
    return { images: tf.tensor4d(pixels, [count, size, size, 3]), meta: shapes.map((_, i) => meta(i + 1, size)) };
  };
  return { groundTruth, batch };
}

/** A CPU-sized Mask R-CNN for 64×64 masked shapes: the tiny Faster R-CNN of the two-stage tests plus a 16-wide, 2-conv mask head. */
export function tinyMaskRcnn(over: { mask?: Partial<DetectorConfig['mask']>; rpn?: Partial<DetectorConfig['rpn']>; roi?: Partial<DetectorConfig['roi']> } = {}): DetectorConfig {
  return DetectorConfigSchema.parse({
    model: { arch: 'mask-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, inputSize: 64, numClasses: 2, norm: 'none' },
    anchors: { levels: [2, 3], scalesPerOctave: 2, sizeMultiplier: 6, aspectRatios: [1] },
    rpn: { batchPerImage: 64, trainProposals: 200, proposals: 50, preNmsTopKTrain: 400, preNmsTopKTest: 200, ...over.rpn },
    roi: { fcDim: 64, convDim: 16, batchPerImage: 32, ...over.roi },
    mask: { convDim: 16, numConvs: 2, ...over.mask },
  });
}
