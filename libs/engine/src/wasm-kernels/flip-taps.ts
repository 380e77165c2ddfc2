import * as tf from '@tensorflow/tfjs-core';

/*
 * Filter rearrangements for the input gradients, done on the host. The wasm backend's Reverse and
 * Gather kernels move one element at a time (flipping a 3×3×256×256 filter took 22 ms), and its
 * Transpose of a filter's two channel axes costs 4–8 ms per 590 K weights; a RetinaNet step
 * rearranges every one of its ~20 M weights. Here the flip is kh·kw block copies, and the channel
 * swap a tiled transpose of each C×O tap (tfjs-backend-wasm 4.22; docs/notes/benchmarks-history.md, `## Engine`).
 */

/** Tile side of the host transposes: 32×32 floats (4 KiB) of source and destination fit in L1. */
const TILE = 32;

/**
 * Writes the transpose of the `rows`×`cols` row-major matrix at `src[from…]` to `dst[to…]`
 * (`cols`×`rows`, row-major), in TILE×TILE blocks so that neither side strides through memory.
 */
export function transposeBlock(src: Float32Array, from: number, rows: number, cols: number, dst: Float32Array, to: number): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) {
        const rowStart = from + r * cols;
        for (let c = c0; c < c1; c++) dst[to + c * rows + r] = src[rowStart + c]!;
      }
    }
  }
}

/**
 * The filter rotated by 180° in space: out[p, q, …] = w[kh−1−p, kw−1−q, …], for `[kh, kw, ·, ·]`.
 * Reversing both spatial axes reverses the flat tap index p·kw + q: kh·kw contiguous block copies.
 */
export function flipTaps(w: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, a, b] = w.shape;
  const taps = kh * kw;
  if (taps === 1) return w;
  const block = a * b;
  const src = w.dataSync() as Float32Array;
  const out = new Float32Array(src.length);
  for (let t = 0; t < taps; t++) out.set(src.subarray((taps - 1 - t) * block, (taps - t) * block), t * block);
  return tf.tensor4d(out, w.shape, 'float32');
}

/**
 * The filter of the input-gradient convolution: rotated by 180° in space and with its channel
 * axes swapped, out[p, q, o, c] = w[kh−1−p, kw−1−q, c, o]; `[kh, kw, C, O]` → `[kh, kw, O, C]`.
 */
export function flipAndSwapChannels(w: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, c, o] = w.shape;
  const taps = kh * kw;
  const block = c * o;
  const src = w.dataSync() as Float32Array;
  const out = new Float32Array(src.length);
  for (let t = 0; t < taps; t++) transposeBlock(src, (taps - 1 - t) * block, c, o, out, t * block);
  return tf.tensor4d(out, [kh, kw, o, c], 'float32');
}
