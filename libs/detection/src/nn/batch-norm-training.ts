import * as tf from '@tensorflow/tfjs-core';
import { type MovingStatistics, fusedBatchNormBackward, fusedBatchNormForward, prefersFusedBatchNorm } from '@ablate/engine';

export type { MovingStatistics };

/** The result of {@link batchNormTraining}. */
export interface BatchNormTrainingResult {
  /** `[B, H, W, C]`: γ·(x − μ_B)/√(σ²_B + ε) + β. */
  y: tf.Tensor4D;
  /** `[C]` batch mean μ_B, outside any tidy (`tf.keep`): the caller disposes it. */
  mean: tf.Tensor1D;
  /** `[C]` biased batch variance σ²_B, outside any tidy: the caller disposes it. */
  variance: tf.Tensor1D;
  /**
   * With `moving`: the moving statistics after this batch, (1 − m)·moving + m·batch with the unbiased
   * variance n/(n − 1)·σ²_B (PyTorch's convention), outside any tidy: the caller assigns and disposes them.
   */
  moved?: { mean: tf.Tensor1D; variance: tf.Tensor1D };
}

/** Σ over the rows of `[n, C]` as `[1, C]` (on wasm the engine runs it as an average pool: no transpose). */
function columnSums(flat: tf.Tensor2D): tf.Tensor2D {
  return tf.sum(flat, 0, true);
}

/**
 * Training-mode batch normalisation of NHWC `x` over B, H, W with a hand-written gradient
 * (Ioffe & Szegedy 2015, §3), for speed on CPU backends:
 *
 *   x̂ = (x − μ)·r, r = 1/√(σ² + ε);   y = γ·x̂ + β
 *   ∂β = Σ dy,   ∂γ = Σ dy·x̂,   ∂x = γ·r·(dy − ∂β/N − x̂·∂γ/N)      (N = B·H·W)
 *
 * tfjs's composite gradient of `moments` + `batchNorm` takes many more full-size passes; here there
 * are four per-channel sums of `[N, C]` over N, which the engine's wasm Sum computes as an average
 * pool (the wasm backend's own transposes the tensor first). A training step of the CPU-sized
 * detectors is ~1.2× faster than with tfjs's composite (docs/notes/benchmarks-history.md, "Models").
 */
export function batchNormTraining(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, moving?: MovingStatistics): BatchNormTrainingResult {
  if (prefersFusedBatchNorm(x)) return batchNormByFusedKernels(x, gamma, beta, epsilon, moving);
  const result = batchNormByOps(x, gamma, beta, epsilon);
  return moving ? { ...result, moved: movedByOps(moving, result, x.shape[0] * x.shape[1] * x.shape[2]) } : result;
}

/** The moving statistics after a batch of n rows by tf ops (see `BatchNormTrainingResult.moved`). */
function movedByOps(moving: MovingStatistics, batch: { mean: tf.Tensor1D; variance: tf.Tensor1D }, n: number): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const m = moving.momentum;
  const unbiased = n > 1 ? n / (n - 1) : 1;
  return tf.tidy(() => ({
    mean: tf.add(tf.mul(moving.mean, 1 - m), tf.mul(batch.mean, m)) as tf.Tensor1D,
    variance: tf.add(tf.mul(moving.variance, 1 - m), tf.mul(batch.variance, m * unbiased)) as tf.Tensor1D,
  }));
}

/** The same transform and gradient by the engine's two fused wasm kernels (engine/ops/fused-batch-norm.ts). */
function batchNormByFusedKernels(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, moving?: MovingStatistics): BatchNormTrainingResult {
  let kept: Omit<BatchNormTrainingResult, 'y'> | undefined;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, g, bt] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const forward = fusedBatchNormForward(input!, g!, bt!, epsilon, moving);
    kept = {
      mean: tf.keep(forward.mean),
      variance: tf.keep(forward.variance),
      ...(forward.movedMean && forward.movedVariance ? { moved: { mean: tf.keep(forward.movedMean), variance: tf.keep(forward.movedVariance) } } : {}),
    };
    save([forward.xhat, forward.rstd, g!]);
    return {
      value: forward.y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => fusedBatchNormBackward(dy, saved[0]!, saved[1]!, saved[2]!),
    };
  });
  const y = op(x, gamma, beta) as tf.Tensor4D;
  return { y, ...kept! };
}

function batchNormByOps(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTrainingResult {
  const [b, h, w, c] = x.shape;
  const n = b * h * w;
  let mean: tf.Tensor1D | undefined;
  let variance: tf.Tensor1D | undefined;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, g, bt] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const flat = tf.reshape(input, [n, c]) as tf.Tensor2D;
    const mu = tf.div(columnSums(flat), n) as tf.Tensor2D;
    const centered = tf.sub(flat, mu) as tf.Tensor2D;
    const sigma2 = tf.div(columnSums(tf.square(centered) as tf.Tensor2D), n) as tf.Tensor2D;
    const r = tf.rsqrt(tf.add(sigma2, epsilon));
    const xhat = tf.mul(centered, r);
    mean = tf.keep(tf.reshape(mu, [c]) as tf.Tensor1D);
    variance = tf.keep(tf.reshape(sigma2, [c]) as tf.Tensor1D);
    save([xhat, r, g]);
    return {
      value: tf.reshape(tf.add(tf.mul(xhat, g), bt), [b, h, w, c]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sxhat, sr, sg] = saved;
        const dyFlat = tf.reshape(dy, [n, c]) as tf.Tensor2D;
        const dBeta = columnSums(dyFlat);
        const dGamma = columnSums(tf.mul(dyFlat, sxhat) as tf.Tensor2D);
        const inner = tf.sub(tf.sub(dyFlat, tf.div(dBeta, n)), tf.mul(sxhat, tf.div(dGamma, n)));
        const dx = tf.mul(inner, tf.mul(sg, sr));
        return [tf.reshape(dx, [b, h, w, c]), tf.reshape(dGamma, [c]), tf.reshape(dBeta, [c])];
      },
    };
  });
  const y = op(x, gamma, beta) as tf.Tensor4D;
  return { y, mean: mean!, variance: variance! };
}
