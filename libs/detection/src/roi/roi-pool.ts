import * as tf from '@tensorflow/tfjs-core';
import { readRois, type BoxesInput, type ImageIndexInput } from './roi-gather';

export interface RoiPoolOptions {
  /** Output bins per side; 7 in Fast R-CNN (§2.1, H = W = 7 for VGG16). */
  outputSize: number;
  /** Feature-map pixels per input pixel: 1 / stride (1/16 for VGG16 conv5 in Fast R-CNN). */
  spatialScale: number;
}

/** A padding tap's additive offset: far below any activation, finite so that 0 · it stays 0. */
const PAD = -1e30;

/** C's round(): halves away from zero (Math.round sends −2.5 to −2). */
function roundHalfAway(v: number): number {
  return Math.sign(v) * Math.round(Math.abs(v));
}

/**
 * RoIPool (Girshick, "Fast R-CNN", §2.1): the box is quantised to feature pixels, split into
 * outputSize² bins of whole pixels (⌊·⌋ start, ⌈·⌉ end) and each bin max-pooled; an empty bin is 0.
 *
 * `features` [B, H, W, C]; `boxes` [R, 4] XYXY in input pixels; `boxImageIndex` [R].
 * Returns [R, outputSize, outputSize, C]. Differentiable w.r.t. `features` on every backend (a
 * gather and a max; the gradient goes to the maximum, to every one of them on exact ties).
 * Caller owns the result.
 */
export function roiPool(
  features: tf.Tensor4D,
  boxes: BoxesInput,
  boxImageIndex: ImageIndexInput,
  options: RoiPoolOptions,
): tf.Tensor4D {
  const { outputSize: size, spatialScale } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`outputSize: ${size} is not a positive integer`);
  const [batch, height, width, channels] = features.shape;
  const rois = readRois(boxes, boxImageIndex, batch);
  // Bins as [start, end) pixel ranges, 2 numbers per bin side per RoI.
  const ys = new Int32Array(rois.count * size * 2);
  const xs = new Int32Array(rois.count * size * 2);
  let taps = 1;
  const binRanges = (lo: number, hi: number, limit: number, out: Int32Array, r: number) => {
    const start = roundHalfAway(lo * spatialScale);
    const extent = Math.max(roundHalfAway(hi * spatialScale) - start + 1, 1);
    const bin = extent / size;
    let widest = 0;
    for (let i = 0; i < size; i++) {
      const a = Math.min(Math.max(Math.floor(i * bin) + start, 0), limit);
      const e = Math.min(Math.max(Math.ceil((i + 1) * bin) + start, 0), limit);
      out[2 * (r * size + i)] = a;
      out[2 * (r * size + i) + 1] = e;
      widest = Math.max(widest, e - a);
    }
    return widest;
  };
  for (let r = 0; r < rois.count; r++) {
    const b = rois.boxes;
    const hy = binRanges(b[4 * r + 1], b[4 * r + 3], height, ys, r);
    const wx = binRanges(b[4 * r], b[4 * r + 2], width, xs, r);
    taps = Math.max(taps, hy * wx);
  }
  const indices = new Int32Array(rois.count * size * size * taps);
  const pad = new Float32Array(indices.length).fill(PAD);
  const nonEmpty = new Uint8Array(rois.count * size * size);
  for (let r = 0; r < rois.count; r++) {
    const base = rois.imageIndex[r] * height * width;
    for (let i = 0; i < size; i++) {
      const y0 = ys[2 * (r * size + i)], y1 = ys[2 * (r * size + i) + 1];
      for (let j = 0; j < size; j++) {
        const x0 = xs[2 * (r * size + j)], x1 = xs[2 * (r * size + j) + 1];
        const cell = (r * size + i) * size + j;
        let at = cell * taps;
        indices.fill(base, at, at + taps);
        nonEmpty[cell] = y1 > y0 && x1 > x0 ? 1 : 0;
        for (let y = y0; y < y1; y++) {
          for (let x = x0; x < x1; x++) {
            indices[at] = base + y * width + x;
            pad[at++] = 0;
          }
        }
      }
    }
  }
  return tf.tidy(() => {
    if (rois.count === 0) return tf.zeros([0, size, size, channels]) as tf.Tensor4D;
    const flat = tf.reshape(features, [batch * height * width, channels]);
    const rows = tf.add(tf.gather(flat, tf.tensor1d(indices, 'int32')), tf.tensor2d(pad, [pad.length, 1]));
    const pooled = tf.max(tf.reshape(rows, [rois.count, size, size, taps, channels]), 3);
    // A select, not a product: an empty bin's max of padding times 0 would be −0.
    const keep = tf.tile(tf.tensor4d(nonEmpty, [rois.count, size, size, 1], 'bool'), [1, 1, 1, channels]);
    return tf.where(keep, pooled, tf.zerosLike(pooled)) as tf.Tensor4D;
  });
}
