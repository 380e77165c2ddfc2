import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { ConvGeometry } from '../conv-geometry';
import type { HeapBackend } from '../heap-slice';
import type { SimdKernels } from './simd-kernels';

/*
 * Filter gradients of regular and depthwise convolutions computed in place on the wasm heap by the
 * engine's SIMD kernels (kernel-text.ts), NHWC throughout, with no transposes, padding or packing:
 *
 *   dW[p, q, c, o] = Σ_{b,i,j} x[b, i·sh + p·dh − pt, j·sw + q·dw − pl, c] · dy[b, i, j, o]
 *
 * For one output row (b, i) and one tap (p, q), the pixels j whose input is inside x form one
 * range, and along it both operands advance by a fixed stride: x by sw·C, dy by O. So each
 * (row, tap) is one `gemmTn` call (depthwise: `dotChannels`) accumulating into tap (p, q)'s
 * [C, O] block of dW; padding is simply the pixels left out of the range. Rows run outermost so
 * that the kh input rows and the dy row a row's taps read stay in cache.
 */

/** Pixels per `gemmTn` call of a pointwise convolution: A and B chunks of 256 rows stay in L1/L2. */
const POINTWISE_CHUNK = 256;

/** The output pixels j of tap column offset `offset` whose input column j·stride + offset lies in [0, size). */
function validRange(offset: number, stride: number, size: number, out: number): [number, number] {
  const first = Math.max(0, Math.ceil(-offset / stride));
  const last = Math.min(out, Math.floor((size - 1 - offset) / stride) + 1);
  return [first, Math.max(first, last)];
}

/** Byte address of a float32 tensor on the heap. */
const addressOf = (backend: HeapBackend, info: TensorInfo): number => backend.typedArrayFromHeap(info).byteOffset;

/** A zeroed float32 output of `shape` and its heap address. */
function zeroedOutput(backend: HeapBackend, shape: number[]): { out: TensorInfo; address: number } {
  const out = backend.makeOutput(shape, 'float32');
  const view = backend.typedArrayFromHeap(out);
  view.fill(0);
  return { out, address: view.byteOffset };
}

/** What one (row, tap) accumulation computes: regular (channels × outChannels) or depthwise (channels). */
type Accumulate = (a: number, sa: number, b: number, sb: number, k: number, c: number) => void;

/**
 * Calls `accumulate` for every output row and tap. `tapBytes` is the size of one tap's block of dW,
 * `dyChannels` the channel count of dy (O, or C for depthwise).
 */
function forEachRowAndTap(
  g: ConvGeometry,
  xAddress: number,
  dyAddress: number,
  dwAddress: number,
  dyChannels: number,
  tapBytes: number,
  accumulate: Accumulate,
): void {
  const c = g.inChannels;
  const columns = Array.from({ length: g.filterWidth }, (_, q) => {
    const offset = q * g.dilationWidth - g.pad.left;
    return { offset, range: validRange(offset, g.strideWidth, g.inWidth, g.outWidth) };
  });
  for (let b = 0; b < g.batch; b++) {
    for (let i = 0; i < g.outHeight; i++) {
      const dyRow = dyAddress + (b * g.outHeight + i) * g.outWidth * dyChannels * 4;
      for (let p = 0; p < g.filterHeight; p++) {
        const h = i * g.strideHeight + p * g.dilationHeight - g.pad.top;
        if (h < 0 || h >= g.inHeight) continue;
        const xRow = xAddress + (b * g.inHeight + h) * g.inWidth * c * 4;
        for (let q = 0; q < g.filterWidth; q++) {
          const { offset, range } = columns[q]!;
          const [j0, j1] = range;
          if (j1 === j0) continue;
          const a = xRow + (j0 * g.strideWidth + offset) * c * 4;
          accumulate(a, g.strideWidth * c, dyRow + j0 * dyChannels * 4, dyChannels, j1 - j0, dwAddress + (p * g.filterWidth + q) * tapBytes);
        }
      }
    }
  }
}

const isPointwise = (g: ConvGeometry): boolean =>
  g.filterHeight === 1 &&
  g.filterWidth === 1 &&
  g.strideHeight === 1 &&
  g.strideWidth === 1 &&
  g.pad.top === 0 &&
  g.pad.left === 0 &&
  g.pad.bottom === 0 &&
  g.pad.right === 0;

/** Conv2DBackpropFilter: `x` [B, H, W, C], `dy` [B, Ho, Wo, O] → dW [kh, kw, C, O]. */
export function conv2dFilterGradientOnHeap(backend: HeapBackend, simd: SimdKernels, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const c = g.inChannels;
  const o = dy.shape[3]!;
  const { out, address: dw } = zeroedOutput(backend, [g.filterHeight, g.filterWidth, c, o]);
  // Addresses after the output's allocation, which may have grown (moved nothing, but detached views of) the heap.
  const xAddress = addressOf(backend, x);
  const dyAddress = addressOf(backend, dy);
  if (isPointwise(g)) {
    const pixels = g.batch * g.outHeight * g.outWidth;
    for (let t = 0; t < pixels; t += POINTWISE_CHUNK) {
      simd.gemmTn(xAddress + t * c * 4, c, dyAddress + t * o * 4, o, Math.min(POINTWISE_CHUNK, pixels - t), dw, c, o);
    }
    return out;
  }
  forEachRowAndTap(g, xAddress, dyAddress, dw, o, c * o * 4, (a, sa, b, sb, k, target) => simd.gemmTn(a, sa, b, sb, k, target, c, o));
  return out;
}

/** DepthwiseConv2dNativeBackpropFilter with channel multiplier 1: `x` [B, H, W, C], `dy` [B, Ho, Wo, C] → dW [kh, kw, C, 1]. */
export function depthwiseFilterGradientOnHeap(backend: HeapBackend, simd: SimdKernels, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const c = g.inChannels;
  const { out, address: dw } = zeroedOutput(backend, [g.filterHeight, g.filterWidth, c, 1]);
  const xAddress = addressOf(backend, x);
  const dyAddress = addressOf(backend, dy);
  forEachRowAndTap(g, xAddress, dyAddress, dw, c, c * 4, (a, sa, b, sb, k, target) => simd.dotChannels(a, sa, b, sb, k, target, c));
  return out;
}
