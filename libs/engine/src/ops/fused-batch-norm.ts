import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { type HeapBackend, heapAddress } from '../wasm-kernels/heap-slice';
import { type SimdKernels, simdKernelsOn } from '../wasm-kernels/simd/simd-kernels';
import { blockedSums, floatsAt, withScratch } from '../wasm-kernels/simd/blocked-sums';

/*
 * Training-mode batch normalisation as two kernels of the wasm backend, forward and backward, each
 * a few SIMD passes over the activations (simd/kernel-text.ts) instead of ~20 tfjs kernels: on
 * EfficientDet-φ0 (~100 normalisations a step) batch norm in tf ops was a quarter of the training
 * step, mostly tfjs's per-kernel bookkeeping and broadcasting binary kernels.
 *
 *   forward:   μ = Σx/N, σ² = Σ(x − μ)²/N, r = 1/√(σ² + ε), x̂ = (x − μ)·r, y = γ·x̂ + β
 *   backward:  dβ = Σdy, dγ = Σdy·x̂, dx = γ·r·(dy − dβ/N − x̂·dγ/N)
 *
 * Per-channel sums are taken over blocks of rows in float32 and the blocks added in float64
 * (simd/blocked-sums.ts), so that a sum over 32,768 rows is as accurate as a pairwise one.
 */
export const BATCH_NORM_FORWARD_KERNEL = 'AblateBatchNormForward';
export const BATCH_NORM_BACKWARD_KERNEL = 'AblateBatchNormBackward';

interface ForwardAttrs {
  epsilon: number;
  /** Weight of the batch statistics in the moving ones; only read when the moving statistics are inputs. */
  momentum: number;
}

/**
 * The moving statistics after one batch, from the batch's float64 mean and biased variance over n
 * rows: moving ← (1 − m)·moving + m·batch, with the unbiased variance n/(n − 1)·σ² (PyTorch's).
 */
function movingAfterBatch(
  heap: HeapBackend,
  moving: { mean: TensorInfo; variance: TensorInfo },
  batch: { mean: Float64Array; variance: Float64Array },
  n: number,
  m: number,
): [TensorInfo, TensorInfo] {
  const unbiased = n > 1 ? n / (n - 1) : 1;
  const [oldMean, oldVar] = [heap.typedArrayFromHeap(moving.mean), heap.typedArrayFromHeap(moving.variance)];
  const newMean = heap.makeOutput(moving.mean.shape, 'float32');
  const newVar = heap.makeOutput(moving.variance.shape, 'float32');
  heap.typedArrayFromHeap(newMean).set(batch.mean.map((v, j) => (1 - m) * oldMean[j]! + m * v));
  heap.typedArrayFromHeap(newVar).set(batch.variance.map((v, j) => (1 - m) * oldVar[j]! + m * unbiased * v));
  return [newMean, newVar];
}

/**
 * Inputs x [..., C], gamma, beta [C] (and optionally movingMean, movingVar [C]) → y, xhat (x's
 * shape), mean, variance, rstd ([C]) (and the moving statistics after this batch, [C] each).
 */
const forwardOnHeap: KernelFunc = ({ inputs, backend, attrs }) => {
  const heap = backend as unknown as HeapBackend;
  const simd = simdKernelsOn(backend) as SimdKernels;
  const { x, gamma, beta, movingMean, movingVar } = inputs as Record<'x' | 'gamma' | 'beta', TensorInfo> & Partial<Record<'movingMean' | 'movingVar', TensorInfo>>;
  const { epsilon, momentum } = attrs as unknown as ForwardAttrs;
  const c = x.shape[x.shape.length - 1]!;
  const n = util.sizeFromShape(x.shape) / c;
  const y = heap.makeOutput(x.shape, 'float32');
  const xhat = heap.makeOutput(x.shape, 'float32');
  const mean = heap.makeOutput([c], 'float32');
  const variance = heap.makeOutput([c], 'float32');
  const rstd = heap.makeOutput([c], 'float32');
  const batch = withScratch(backend, c, (scratch) => {
    const xAt = heapAddress(heap, x);
    const meanAt = heapAddress(heap, mean);
    const sums = blockedSums(backend, n, c, scratch, (offset, rows) => simd.channelSums(xAt + offset, scratch, rows, c));
    const m = sums.map((s) => s / n);
    heap.typedArrayFromHeap(mean).set(m);
    const squares = blockedSums(backend, n, c, scratch, (offset, rows) => simd.centredSquares(xAt + offset, meanAt, scratch, rows, c));
    const v = squares.map((s) => s / n);
    heap.typedArrayFromHeap(variance).set(v);
    heap.typedArrayFromHeap(rstd).set(v.map((s) => 1 / Math.sqrt(s + epsilon)));
    const [gammaAt, betaAt, rstdAt, xhatAt, yAt] = [gamma, beta, rstd, xhat, y].map((t) => heapAddress(heap, t)) as number[];
    simd.normalise(xAt, meanAt, rstdAt!, gammaAt!, betaAt!, xhatAt!, yAt!, n, c);
    return { mean: m, variance: v };
  });
  if (movingMean === undefined || movingVar === undefined) return [y, xhat, mean, variance, rstd];
  return [y, xhat, mean, variance, rstd, ...movingAfterBatch(heap, { mean: movingMean, variance: movingVar }, batch, n, momentum)];
};

/** Inputs dy, xhat [..., C], rstd, gamma [C] → dx (dy's shape), dgamma, dbeta ([C]). */
const backwardOnHeap: KernelFunc = ({ inputs, backend }) => {
  const heap = backend as unknown as HeapBackend;
  const simd = simdKernelsOn(backend) as SimdKernels;
  const { dy, xhat, rstd, gamma } = inputs as Record<'dy' | 'xhat' | 'rstd' | 'gamma', TensorInfo>;
  const c = dy.shape[dy.shape.length - 1]!;
  const n = util.sizeFromShape(dy.shape) / c;
  const dx = heap.makeOutput(dy.shape, 'float32');
  const dgamma = heap.makeOutput([c], 'float32');
  const dbeta = heap.makeOutput([c], 'float32');
  // Scratch: two [C] block sums, then the per-channel a = dβ/N, b = dγ/N, scale = γ·r.
  withScratch(backend, 5 * c, (scratch) => {
    const dyAt = heapAddress(heap, dy);
    const xhatAt = heapAddress(heap, xhat);
    const sums = blockedSums(backend, n, c, scratch, (offset, rows) => simd.gradientSums(dyAt + offset, xhatAt + offset, scratch, scratch + c * 4, rows, c), 2);
    const sumDy = sums.subarray(0, c);
    const sumDyXhat = sums.subarray(c);
    heap.typedArrayFromHeap(dbeta).set(sumDy);
    heap.typedArrayFromHeap(dgamma).set(sumDyXhat);
    const r = heap.typedArrayFromHeap(rstd);
    const g = heap.typedArrayFromHeap(gamma);
    const perChannel = floatsAt(backend, scratch + 2 * c * 4, 3 * c);
    for (let j = 0; j < c; j++) {
      perChannel[j] = sumDy[j]! / n;
      perChannel[c + j] = sumDyXhat[j]! / n;
      perChannel[2 * c + j] = g[j]! * r[j]!;
    }
    const aAt = scratch + 2 * c * 4;
    simd.inputGradient(dyAt, xhatAt, aAt, aAt + c * 4, aAt + 2 * c * 4, heapAddress(heap, dx), n, c);
  });
  return [dx, dgamma, dbeta];
};

export const batchNormKernelConfigs: KernelConfig[] = [
  { kernelName: BATCH_NORM_FORWARD_KERNEL, backendName: 'wasm', kernelFunc: forwardOnHeap },
  { kernelName: BATCH_NORM_BACKWARD_KERNEL, backendName: 'wasm', kernelFunc: backwardOnHeap },
];

/** Whether `x` [..., C] can be normalised by the fused kernels: wasm with the SIMD kernels loaded, float32, C a multiple of 4. */
export function prefersFusedBatchNorm(x: tf.Tensor): boolean {
  const c = x.shape[x.rank - 1]!;
  return (
    x.dtype === 'float32' &&
    c % 4 === 0 &&
    tf.getKernel(BATCH_NORM_FORWARD_KERNEL, tf.getBackend()) !== undefined &&
    simdKernelsOn(tf.backend()) !== null
  );
}

/** Moving statistics of a batch norm, and the weight of each batch's in them. */
export interface MovingStatistics {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  momentum: number;
}

/**
 * The fused forward pass (see the module comment). Needs `prefersFusedBatchNorm(x)`. With `moving`,
 * also the moving statistics after this batch (`movedMean`, `movedVariance`), computed in the same
 * kernel from the float64 batch sums: ~10 small tfjs kernels per normalisation otherwise.
 */
export function fusedBatchNormForward(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  moving?: MovingStatistics,
): { y: tf.Tensor; xhat: tf.Tensor; mean: tf.Tensor1D; variance: tf.Tensor1D; rstd: tf.Tensor1D; movedMean?: tf.Tensor1D; movedVariance?: tf.Tensor1D } {
  const inputs: tf.NamedTensorMap = moving ? { x, gamma, beta, movingMean: moving.mean, movingVar: moving.variance } : { x, gamma, beta };
  const outputs = tf.engine().runKernel(BATCH_NORM_FORWARD_KERNEL, inputs, { epsilon, momentum: moving?.momentum ?? 0 }) as tf.Tensor[];
  const [y, xhat, mean, variance, rstd, movedMean, movedVariance] = outputs;
  return {
    y: y!,
    xhat: xhat!,
    mean: mean as tf.Tensor1D,
    variance: variance as tf.Tensor1D,
    rstd: rstd as tf.Tensor1D,
    ...(moving ? { movedMean: movedMean as tf.Tensor1D, movedVariance: movedVariance as tf.Tensor1D } : {}),
  };
}

/** The fused backward pass: [dx, dgamma, dbeta]. */
export function fusedBatchNormBackward(dy: tf.Tensor, xhat: tf.Tensor, rstd: tf.Tensor, gamma: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(BATCH_NORM_BACKWARD_KERNEL, { dy, xhat, rstd, gamma }, {}) as [tf.Tensor, tf.Tensor, tf.Tensor];
}
