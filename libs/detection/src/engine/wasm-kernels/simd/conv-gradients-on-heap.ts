import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { ConvGeometry } from '../conv-geometry';
import { derivedFilter } from '../derived-filters';
import { type HeapBackend, heapAddress } from '../heap-slice';
import { isPointwise } from '../filter-gradient-gemm';
import type { SimdKernels } from './simd-kernels';

/*
 * Gradients of regular and depthwise convolutions computed in place on the wasm heap by the
 * engine's SIMD kernels (kernel-text.ts), NHWC throughout, with no im2col, spreading or packing:
 *
 *   dW[p, q, c, o] = Σ_{b,i,j} x[b, i·sh + p·dh − pt, j·sw + q·dw − pl, c] · dy[b, i, j, o]
 *   dx[b, i·sh + p·dh − pt, j·sw + q·dw − pl, c] += Σ_o dy[b, i, j, o] · W[p, q, c, o]
 *
 * For one output row (b, i) and one tap (p, q), the pixels j whose input is inside x form one
 * range, along which x (or dx) advances by sw·C and dy by O: one kernel call per (row, tap).
 * Padding is simply the pixels left out of the range. Rows run outermost, so that the kh input
 * rows and the dy row that a row's taps touch stay in cache.
 */

/** Input channels below which a filter row's taps are merged into one product (see forEachSegment). */
const MERGE_BELOW_CHANNELS = 8;

/** Pixels per `gemmTn` call of a pointwise filter gradient: A and B chunks of 256 rows stay in L1/L2. */
const POINTWISE_CHUNK = 256;

/** One (output row, tap) pair's pixel range. Addresses in bytes; `xAt` is where x (or dx) is read (or written). */
interface Segment {
  /** The (first) tap's index p·kw + q. */
  tap: number;
  /**
   * How many adjacent taps q, q + 1, … of filter row p the segment covers (see `mergeTapRows`):
   * their kw·C inputs of one pixel are contiguous in x, and their blocks of dW are contiguous too.
   */
  taps: number;
  xAt: number;
  /** Stride of x along the segment, in elements: sw·C. */
  xStride: number;
  dyAt: number;
  pixels: number;
}

/** The output pixels j of tap column offset `offset` whose input column j·stride + offset lies in [0, size). */
function validRange(offset: number, stride: number, size: number, out: number): [number, number] {
  const first = Math.max(0, Math.ceil(-offset / stride));
  const last = Math.min(out, Math.floor((size - 1 - offset) / stride) + 1);
  return [first, Math.max(first, last)];
}

/**
 * Calls `visit` for every output row and tap whose pixel range is not empty. With `mergeTapRows`
 * (read-only x, dilation 1, fewer than MERGE_BELOW_CHANNELS channels), the pixels where every tap of a filter row is inside x are visited
 * once for the whole row of taps (`taps` = kw): a product with kw·C rows instead of kw with C, which
 * fills the 4-row register tiles when C is small (an RGB stem: 21 rows, not 7 × 3).
 */
function forEachSegment(
  g: ConvGeometry,
  xAddress: number,
  dyAddress: number,
  dyChannels: number,
  mergeTapRows: boolean,
  visit: (s: Segment) => void,
): void {
  const c = g.inChannels;
  const columns = Array.from({ length: g.filterWidth }, (_, q) => {
    const offset = q * g.dilationWidth - g.pad.left;
    return { offset, range: validRange(offset, g.strideWidth, g.inWidth, g.outWidth) };
  });
  // Only for few channels: with C ≥ 8 the bands are full anyway, and the merged product measured slower (conv stack
  // step 3.3–3.6× its forward against 3.0–3.2× without; bench:engine, alternating runs).
  const merge = mergeTapRows && c < MERGE_BELOW_CHANNELS && g.dilationWidth === 1 && g.filterWidth > 1;
  // Where every tap of a row is inside x: the intersection of the taps' ranges.
  const inner: [number, number] = merge
    ? [Math.max(...columns.map((col) => col.range[0])), Math.min(...columns.map((col) => col.range[1]))]
    : [0, 0];
  const merged = inner[1] > inner[0];
  for (let b = 0; b < g.batch; b++) {
    for (let i = 0; i < g.outHeight; i++) {
      const dyRow = dyAddress + (b * g.outHeight + i) * g.outWidth * dyChannels * 4;
      for (let p = 0; p < g.filterHeight; p++) {
        const h = i * g.strideHeight + p * g.dilationHeight - g.pad.top;
        if (h < 0 || h >= g.inHeight) continue;
        const xRow = xAddress + (b * g.inHeight + h) * g.inWidth * c * 4;
        const segment = (q: number, taps: number, j0: number, j1: number): void => {
          if (j1 <= j0) return;
          visit({
            tap: p * g.filterWidth + q,
            taps,
            xAt: xRow + (j0 * g.strideWidth + columns[q]!.offset) * c * 4,
            xStride: g.strideWidth * c,
            dyAt: dyRow + j0 * dyChannels * 4,
            pixels: j1 - j0,
          });
        };
        if (merged) segment(0, g.filterWidth, inner[0], inner[1]);
        for (let q = 0; q < g.filterWidth; q++) {
          const [j0, j1] = columns[q]!.range;
          if (!merged) {
            segment(q, 1, j0, j1);
            continue;
          }
          segment(q, 1, j0, Math.min(j1, inner[0]));
          segment(q, 1, Math.max(j0, inner[1]), j1);
        }
      }
    }
  }
}

/** A zeroed float32 output of `shape` and its heap address. */
function zeroedOutput(backend: HeapBackend, shape: number[]): { out: TensorInfo; address: number } {
  const out = backend.makeOutput(shape, 'float32');
  const view = backend.typedArrayFromHeap(out);
  view.fill(0);
  return { out, address: view.byteOffset };
}

/** Conv2DBackpropFilter: `x` [B, H, W, C], `dy` [B, Ho, Wo, O] → dW [kh, kw, C, O]. */
export function conv2dFilterGradientOnHeap(backend: HeapBackend, simd: SimdKernels, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const c = g.inChannels;
  const o = dy.shape[3]!;
  const { out, address: dw } = zeroedOutput(backend, [g.filterHeight, g.filterWidth, c, o]);
  // Addresses after the output's allocation, which may have grown the heap (detaching older views).
  const xAddress = heapAddress(backend, x);
  const dyAddress = heapAddress(backend, dy);
  if (isPointwise(g)) {
    const pixels = g.batch * g.outHeight * g.outWidth;
    for (let t = 0; t < pixels; t += POINTWISE_CHUNK) {
      simd.gemmTn(xAddress + t * c * 4, c, dyAddress + t * o * 4, o, Math.min(POINTWISE_CHUNK, pixels - t), dw, o, c, o);
    }
    return out;
  }
  forEachSegment(g, xAddress, dyAddress, o, true, (s) =>
    simd.gemmTn(s.xAt, s.xStride, s.dyAt, o, s.pixels, dw + s.tap * c * o * 4, o, s.taps * c, o),
  );
  return out;
}

/** DepthwiseConv2dNativeBackpropFilter with channel multiplier 1: `x` [B, H, W, C], `dy` [B, Ho, Wo, C] → dW [kh, kw, C, 1]. */
export function depthwiseFilterGradientOnHeap(backend: HeapBackend, simd: SimdKernels, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const c = g.inChannels;
  const { out, address: dw } = zeroedOutput(backend, [g.filterHeight, g.filterWidth, c, 1]);
  const xAddress = heapAddress(backend, x);
  const dyAddress = heapAddress(backend, dy);
  forEachSegment(g, xAddress, dyAddress, c, false, (s) => simd.dotChannels(s.xAt, s.xStride, s.dyAt, c, s.pixels, dw + s.tap * c * 4, c));
  return out;
}

/**
 * Conv2DBackpropInput: `dy` [B, Ho, Wo, O], `filter` [kh, kw, C, O] → dx [B, H, W, C]. Each tap's
 * filter is used as [O, C] (channels swapped once per weight and backward pass: `derivedFilter`,
 * so call it inside a tidy).
 */
export function conv2dInputGradientOnHeap(backend: HeapBackend, simd: SimdKernels, dy: TensorInfo, filter: tf.Tensor4D, g: ConvGeometry): TensorInfo {
  const c = g.inChannels;
  const o = dy.shape[3]!;
  const swapped = derivedFilter(filter, 'swap-in-out', () => tf.transpose(filter, [0, 1, 3, 2]));
  const { out, address: dx } = zeroedOutput(backend, [g.batch, g.inHeight, g.inWidth, c]);
  // Addresses after every allocation, which may grow the heap (detaching older views).
  const dyAddress = heapAddress(backend, dy);
  const wAddress = heapAddress(backend, swapped);
  forEachSegment(g, dx, dyAddress, o, false, (s) => simd.gemmNn(s.dyAt, o, wAddress + s.tap * o * c * 4, c, o, s.xAt, s.xStride, s.pixels, c));
  return out;
}

/**
 * DepthwiseConv2dNativeBackpropInput with channel multiplier 1: `dy` [B, Ho, Wo, C], `filter`
 * [kh, kw, C, 1] → dx [B, H, W, C]: per (row, tap), dx's pixels of the range += dy's · W[p, q, :].
 */
export function depthwiseInputGradientOnHeap(backend: HeapBackend, simd: SimdKernels, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const c = g.inChannels;
  const { out, address: dx } = zeroedOutput(backend, [g.batch, g.inHeight, g.inWidth, c]);
  const dyAddress = heapAddress(backend, dy);
  const wAddress = heapAddress(backend, filter);
  forEachSegment(g, dx, dyAddress, c, false, (s) => simd.scaleAddChannels(s.dyAt, c, wAddress + s.tap * c * 4, s.xAt, s.xStride, s.pixels, c));
  return out;
}
