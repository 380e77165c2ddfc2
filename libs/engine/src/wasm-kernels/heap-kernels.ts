import { type KernelFunc, type TensorInfo, backend_util, broadcast_util, util } from '@tensorflow/tfjs-core';
import { type HeapBackend, copyRuns } from './heap-slice';
import { type SimdKernels, simdKernelsOn } from './simd/simd-kernels';

/*
 * Replacements for three wasm kernels (tfjs-backend-wasm 4.22) that a detector's training step
 * runs slowly, written on views of the wasm heap. Measured on the learning benchmark's RetinaNet
 * (ResNet-18 ×0.25, 128 px, batch 8), one step:
 *  - MaxPoolGrad: 35 ms for the stem's [8, 64, 64, 16] pool (~50× its forward);
 *  - SplitV: 6 ms for [8, 3069, 7] (each piece re-reads the whole input, as Slice did);
 *  - BatchMatMul with one or two rows: XNNPACK re-packs the [K, N] operand on every call (a new
 *    tensor each time), ~7.5 ns an element: 4 ms for [1, 32768]·[32768, 16], 63 ms a step in all
 *    (the norm layers' channel sums).
 */

const heapOf = (backend: unknown) => backend as HeapBackend;

/**
 * MaxPoolGrad: each output's gradient goes to the first maximum of its window in row-major order
 * (strict `>`, padding never wins), as the cpu backend routes it.
 */
export function maxPoolGradOnHeap(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { dy, input } = args.inputs as Record<'dy' | 'input', TensorInfo>;
    if (input.dtype !== 'float32' || dy.dtype !== 'float32') return fallback(args);
    const inputs = args.inputs as Record<'dy' | 'input', TensorInfo>;
    return maxPoolGradFloat(inputs, heapOf(args.backend), args.attrs as unknown as PoolAttrs, simdKernelsOn(args.backend));
  };
}

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Visits each output pixel's window, clipped to the input: its first row and column and its extent. */
function forEachWindow(info: backend_util.Conv2DInfo, visit: (b: number, i: number, j: number, r0: number, c0: number, rows: number, cols: number) => void): void {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw, padInfo } = info;
  for (let b = 0; b < batchSize; b++) {
    for (let i = 0; i < outHeight; i++) {
      const r = i * strideHeight - padInfo.top;
      const r0 = Math.max(0, r);
      const rows = Math.min(inHeight, r + fh) - r0;
      for (let j = 0; j < outWidth; j++) {
        const col = j * strideWidth - padInfo.left;
        const c0 = Math.max(0, col);
        const cols = Math.min(inWidth, col + fw) - c0;
        if (rows > 0 && cols > 0) visit(b, i, j, r0, c0, rows, cols);
      }
    }
  }
}

/**
 * The float32 MaxPoolGrad: per output pixel, by the SIMD kernel (`maxPoolGradWindow`, 4 channels a
 * vector; min of 20 alternating calls: 1.41 against 7.72 ms for the host loop below on EfficientDet's BiFPN
 * [8, 32, 32, 64] pool, 1.50 against 8.42 ms on RetinaNet's stem [8, 64, 64, 16]), else on the host.
 */
function maxPoolGradFloat({ dy, input }: Record<'dy' | 'input', TensorInfo>, heap: HeapBackend, a: PoolAttrs, simd: SimdKernels | null): TensorInfo {
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
  const out = heap.makeOutput(input.shape, 'float32');
  const x = heap.typedArrayFromHeap(input) as Float32Array;
  const g = heap.typedArrayFromHeap(dy) as Float32Array;
  const dx = heap.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  const { inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const pixelAt = (b: number, r: number, col: number) => ((b * inHeight + r) * inWidth + col) * c;
  if (simd !== null) {
    forEachWindow(info, (b, i, j, r0, c0, rows, cols) => {
      const at = pixelAt(b, r0, c0) * 4;
      simd.maxPoolGradWindow(x.byteOffset + at, dx.byteOffset + at, g.byteOffset + ((b * outHeight + i) * outWidth + j) * c * 4, rows, cols, c * 4, inWidth * c * 4, c);
    });
    return out;
  }
  // Per output pixel, the window is scanned once with all channels side by side (contiguous in NHWC).
  const best = new Float32Array(c);
  const winner = new Int32Array(c);
  forEachWindow(info, (b, i, j, r0, c0, rows, cols) => {
    best.fill(Number.NEGATIVE_INFINITY);
    winner.fill(-1);
    for (let r = r0; r < r0 + rows; r++) {
      for (let col = c0; col < c0 + cols; col++) {
        const base = pixelAt(b, r, col);
        for (let ch = 0; ch < c; ch++) {
          const v = x[base + ch]!;
          if (v > best[ch]!) {
            best[ch] = v;
            winner[ch] = base + ch;
          }
        }
      }
    }
    const dyAt = ((b * outHeight + i) * outWidth + j) * c;
    for (let ch = 0; ch < c; ch++) if (winner[ch]! >= 0) dx[winner[ch]!]! += g[dyAt + ch]!;
  });
  return out;
}

/** SplitV: each piece copied out of a view of the input (strings keep the backend's own kernel). */
export function splitVOnHeap(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.x!;
    if (x.dtype === 'string' || x.dtype === 'complex64' || x.shape.length === 0) return fallback(args);
    const heap = heapOf(args.backend);
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const $axis = util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = backend_util.prepareSplitSize(x as never, numOrSizeSplits, $axis);
    const outs = sizes.map((size) => {
      const shape = [...x.shape];
      shape[$axis] = size;
      return heap.makeOutput(shape, x.dtype);
    });
    // Views after every allocation (makeOutput may grow the heap).
    const src = heap.typedArrayFromHeap(x);
    let start = 0;
    outs.forEach((out, k) => {
      const begin = x.shape.map((_, d) => (d === $axis ? start : 0));
      if (util.sizeFromShape(out.shape) > 0) copyRuns(src, x.shape, begin, out.shape, heap.typedArrayFromHeap(out));
      start += sizes[k]!;
    });
    return outs;
  };
}

/** At most this many rows of A go through the host loop (XNNPACK's packing of B then dominates). */
export const HOST_MATMUL_MAX_ROWS = 2;

/**
 * BatchMatMul of one batch, untransposed, with at most HOST_MATMUL_MAX_ROWS rows of A: on the host,
 * accumulating in float64 (XNNPACK accumulates in float32: the results agree to float32 rounding).
 */
export function smallMatMulOnHeap(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as Record<'a' | 'b', TensorInfo>;
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const rank = a.shape.length;
    if (transposeA || transposeB || a.dtype !== 'float32' || b.dtype !== 'float32' || rank < 2 || b.shape.length < 2) {
      return fallback(args);
    }
    const m = a.shape[rank - 2]!;
    const k = a.shape[rank - 1]!;
    const n = b.shape[b.shape.length - 1]!;
    const batchA = util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = util.sizeFromShape(b.shape.slice(0, -2));
    if (m > HOST_MATMUL_MAX_ROWS || batchA !== 1 || batchB !== 1 || b.shape[b.shape.length - 2] !== k) return fallback(args);
    const heap = heapOf(args.backend);
    const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const out = heap.makeOutput([...outer, m, n], 'float32');
    const A = heap.typedArrayFromHeap(a);
    const B = heap.typedArrayFromHeap(b);
    const C = heap.typedArrayFromHeap(out);
    const row = new Float64Array(n);
    for (let r = 0; r < m; r++) {
      row.fill(0);
      for (let kk = 0; kk < k; kk++) {
        const av = A[r * k + kk]!;
        const from = kk * n;
        for (let col = 0; col < n; col++) row[col]! += av * B[from + col]!;
      }
      for (let col = 0; col < n; col++) C[r * n + col] = row[col]!;
    }
    return out;
  };
}
