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

/**
 * Visits one (output row, tap) pair's pixel range: `tap` is the (first) tap's index p·kw + q, `taps`
 * how many adjacent taps q, q + 1, … of filter row p the range covers (see `mergeTapRows`: their
 * kw·C inputs of one pixel are contiguous in x, and their blocks of dW are contiguous too). `xAt` is
 * where x (or dx) is read (or written) and `dyAt` dy, in bytes; along the range x advances by sw·C
 * elements and dy by its channels. Positional, not an object: a step visits thousands of ranges.
 */
type SegmentVisitor = (tap: number, taps: number, xAt: number, dyAt: number, pixels: number) => void;

/** The output pixels j of tap column offset `offset` whose input column j·stride + offset lies in [0, size). */
function validRange(offset: number, stride: number, size: number, out: number): [number, number] {
  const first = Math.max(0, Math.ceil(-offset / stride));
  const last = Math.min(out, Math.floor((size - 1 - offset) / stride) + 1);
  return [first, Math.max(first, last)];
}

/**
 * Calls `visit` for every output row and tap whose pixel range is not empty. With `mergeTapRows`
 * (read-only x, dilation 1, fewer than MERGE_BELOW_CHANNELS channels), the pixels where every tap of
 * a filter row is inside x are visited once for the whole row of taps (`taps` = kw): a product with
 * kw·C rows instead of kw with C, which fills the 4-row register tiles when C is small (an RGB stem:
 * 21 rows, not 7 × 3).
 */
function forEachSegment(
  g: ConvGeometry,
  xAddress: number,
  dyAddress: number,
  dyChannels: number,
  mergeTapRows: boolean,
  visit: SegmentVisitor,
): void {
  const c = g.inChannels;
  const kw = g.filterWidth;
  const xPixelBytes = g.strideWidth * c * 4;
  const dyPixelBytes = dyChannels * 4;
  // Per tap column q: its column offset in x (bytes) and its range of output pixels.
  const offsets = new Float64Array(kw);
  const starts = new Float64Array(kw);
  const ends = new Float64Array(kw);
  for (let q = 0; q < kw; q++) {
    const offset = q * g.dilationWidth - g.pad.left;
    offsets[q] = offset * c * 4;
    [starts[q], ends[q]] = validRange(offset, g.strideWidth, g.inWidth, g.outWidth);
  }
  // Only for few channels: with C ≥ 8 the bands are full anyway, and the merged product measured slower (conv stack
  // step 3.3–3.6× its forward against 3.0–3.2× without; bench:engine, alternating runs).
  const merge = mergeTapRows && c < MERGE_BELOW_CHANNELS && g.dilationWidth === 1 && kw > 1;
  // Where every tap of a row is inside x: the intersection of the taps' ranges.
  const inner0 = merge ? Math.max(...starts) : 0;
  const inner1 = merge ? Math.min(...ends) : 0;
  const merged = inner1 > inner0;
  const range = (tap: number, xTap: number, dyRow: number, j0: number, j1: number): void => {
    if (j1 > j0) visit(tap, 1, xTap + j0 * xPixelBytes, dyRow + j0 * dyPixelBytes, j1 - j0);
  };
  for (let b = 0; b < g.batch; b++) {
    for (let i = 0; i < g.outHeight; i++) {
      const dyRow = dyAddress + (b * g.outHeight + i) * g.outWidth * dyPixelBytes;
      for (let p = 0; p < g.filterHeight; p++) {
        const h = i * g.strideHeight + p * g.dilationHeight - g.pad.top;
        if (h < 0 || h >= g.inHeight) continue;
        const xRow = xAddress + (b * g.inHeight + h) * g.inWidth * c * 4;
        if (merged) visit(p * kw, kw, xRow + offsets[0]! + inner0 * xPixelBytes, dyRow + inner0 * dyPixelBytes, inner1 - inner0);
        for (let q = 0; q < kw; q++) {
          const xTap = xRow + offsets[q]!;
          if (!merged) {
            range(p * kw + q, xTap, dyRow, starts[q]!, ends[q]!);
          } else {
            range(p * kw + q, xTap, dyRow, starts[q]!, Math.min(ends[q]!, inner0));
            range(p * kw + q, xTap, dyRow, Math.max(starts[q]!, inner1), ends[q]!);
          }
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
  const xStride = g.strideWidth * c;
  forEachSegment(g, xAddress, dyAddress, o, true, (tap, taps, xAt, dyAt, pixels) =>
    simd.gemmTn(xAt, xStride, dyAt, o, pixels, dw + tap * c * o * 4, o, taps * c, o),
  );
  return out;
}

/** DepthwiseConv2dNativeBackpropFilter with channel multiplier 1: `x` [B, H, W, C], `dy` [B, Ho, Wo, C] → dW [kh, kw, C, 1]. */
export function depthwiseFilterGradientOnHeap(backend: HeapBackend, simd: SimdKernels, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const c = g.inChannels;
  const { out, address: dw } = zeroedOutput(backend, [g.filterHeight, g.filterWidth, c, 1]);
  const xAddress = heapAddress(backend, x);
  const dyAddress = heapAddress(backend, dy);
  const xStride = g.strideWidth * c;
  forEachSegment(g, xAddress, dyAddress, c, false, (tap, _taps, xAt, dyAt, pixels) => simd.dotChannels(xAt, xStride, dyAt, c, pixels, dw + tap * c * 4, c));
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
  const dxStride = g.strideWidth * c;
  forEachSegment(g, dx, dyAddress, o, false, (tap, _taps, dxAt, dyAt, pixels) => simd.gemmNn(dyAt, o, wAddress + tap * o * c * 4, c, o, dxAt, dxStride, pixels, c));
  return out;
}

/**
 * Whether `conv2dInputGradientGatherOnHeap` computes this input gradient: stride 1, dilation 1 and
 * a filter wider than 1×1.
 */
export function gathersInputGradient(g: ConvGeometry): boolean {
  const unit = g.strideHeight === 1 && g.strideWidth === 1 && g.dilationHeight === 1 && g.dilationWidth === 1;
  return unit && !isPointwise(g);
}

/**
 * F[p, j', o, c] = W[p, kw − 1 − j', c, o]: the filter with its channels swapped (a transpose) and
 * its columns reversed (a copy of kh·kw contiguous [O, C] blocks; the wasm Reverse kernel took
 * 0.3 ms for 9 K floats).
 */
function flippedSwappedFilter(backend: HeapBackend, filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, c, o] = filter.shape;
  const swapped = tf.transpose(filter, [0, 1, 3, 2]);
  const from = backend.typedArrayFromHeap(swapped) as Float32Array;
  const flipped = new Float32Array(from.length);
  const block = o * c;
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      const at = (p * kw + q) * block;
      flipped.set(from.subarray(at, at + block), (p * kw + kw - 1 - q) * block);
    }
  }
  swapped.dispose();
  return tf.tensor4d(flipped, [kh, kw, o, c]);
}

/** Heap addresses and geometry shared by the two halves of the gathered input gradient. */
interface GatherPlan {
  g: ConvGeometry;
  simd: SimdKernels;
  dy: number;
  flipped: number;
  dx: number;
  /** dy's channels. */
  o: number;
  /** dx pixel x reads dy columns x − shift + j', j' < kw. */
  shift: number;
  /** The interior columns [first, last) of dx (see `conv2dInputGradientGatherOnHeap`). */
  first: number;
  last: number;
}

/** The interior: per (image, dx row, filter row p), one product of k = kw·O over the row's interior pixels. */
function gatherInterior({ g, simd, dy, flipped, dx, o, shift, first, last }: GatherPlan, b: number): void {
  const [c, kw] = [g.inChannels, g.filterWidth];
  if (last <= first) return;
  for (let y = 0; y < g.inHeight; y++) {
    const dxAt = dx + ((b * g.inHeight + y) * g.inWidth + first) * c * 4;
    for (let p = 0; p < g.filterHeight; p++) {
      const r = y + g.pad.top - p;
      if (r < 0 || r >= g.outHeight) continue;
      const dyAt = dy + ((b * g.outHeight + r) * g.outWidth + first - shift) * o * 4;
      simd.gemmNn(dyAt, o, flipped + p * kw * o * c * 4, c, kw * o, dxAt, c, last - first, c);
    }
  }
}

/**
 * The border columns of dx, one column at a time: per (filter row p, tap j' inside dy), one product
 * over the column's dx rows whose dy row exists (W·C apart in dx, Wo·O in dy), in 4-row tiles.
 */
function gatherBorderColumns({ g, simd, dy, flipped, dx, o, shift, first, last }: GatherPlan, b: number): void {
  const [c, kw] = [g.inChannels, g.filterWidth];
  for (let x = 0; x < g.inWidth; x++) {
    if (x >= first && x < last) continue;
    for (let p = 0; p < g.filterHeight; p++) {
      const y0 = Math.max(0, p - g.pad.top);
      const y1 = Math.min(g.inHeight, g.outHeight + p - g.pad.top);
      if (y1 <= y0) continue;
      const dxAt = dx + ((b * g.inHeight + y0) * g.inWidth + x) * c * 4;
      for (let j = 0; j < kw; j++) {
        const column = x - shift + j;
        if (column < 0 || column >= g.outWidth) continue;
        const dyAt = dy + ((b * g.outHeight + y0 + g.pad.top - p) * g.outWidth + column) * o * 4;
        simd.gemmNn(dyAt, g.outWidth * o, flipped + (p * kw + j) * o * c * 4, c, o, dxAt, g.inWidth * c, y1 - y0, c);
      }
    }
  }
}

/**
 * Conv2DBackpropInput of a stride-1 convolution, as a correlation of dy with the filter flipped
 * and channel-swapped, so that each dx tile is loaded and stored once per filter row (the scatter
 * form of `conv2dInputGradientOnHeap` adds into it once per tap):
 *
 *   dx[b, y, x, c] = Σ_p Σ_{j'<kw} Σ_o dy[b, y + pt − p, x − (kw − 1 − pl) + j', o] · F[p, j', o, c]
 *
 * For one (dx row, filter row p) the kw·O values that an interior pixel x reads (all its kw columns
 * inside dy) are contiguous in dy, and pixel x + 1's start O later: one `gemmNn` with A's rows O
 * apart and k = kw·O. The interior is cut to a multiple of 4 pixels, which the products' 4-row
 * tiles cover; the remaining border columns are products down the column. Filter rows whose dy row
 * is outside dy add nothing.
 */
export function conv2dInputGradientGatherOnHeap(backend: HeapBackend, simd: SimdKernels, dy: TensorInfo, filter: tf.Tensor4D, g: ConvGeometry): TensorInfo {
  const kw = g.filterWidth;
  const flipped = derivedFilter(filter, 'flip-columns-swap-in-out', () => flippedSwappedFilter(backend, filter));
  const { out, address: dx } = zeroedOutput(backend, [g.batch, g.inHeight, g.inWidth, g.inChannels]);
  const shift = kw - 1 - g.pad.left;
  const first = Math.max(0, shift);
  const inside = Math.max(0, Math.min(g.inWidth, g.outWidth - kw + 1 + shift) - first);
  const plan: GatherPlan = {
    g,
    simd,
    // Addresses after every allocation, which may grow the heap (detaching older views).
    dy: heapAddress(backend, dy),
    flipped: heapAddress(backend, flipped),
    dx,
    o: dy.shape[3]!,
    shift,
    first,
    last: first + inside - (inside % 4),
  };
  for (let b = 0; b < g.batch; b++) {
    gatherInterior(plan, b);
    gatherBorderColumns(plan, b);
  }
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
  const dxStride = g.strideWidth * c;
  forEachSegment(g, dx, dyAddress, c, false, (tap, _taps, dxAt, dyAt, pixels) => simd.scaleAddChannels(dyAt, c, wAddress + tap * c * 4, dxAt, dxStride, pixels, c));
  return out;
}
