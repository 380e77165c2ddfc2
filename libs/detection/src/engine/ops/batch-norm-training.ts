import * as tf from '@tensorflow/tfjs-core';

/**
 * Training-mode batch normalisation over B, H, W with a closed-form gradient:
 * y = γ·x̂ + β with x̂ = (x − μ)·rstd, μ and σ² the batch statistics, rstd = 1/√(σ² + ε), and
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ·rstd·(dy − dβ/N − x̂·dγ/N),  N = B·H·W.
 * Same values as `tf.batchNorm4d(x, tf.moments(x).mean, …variance, β, γ, ε)` under autodiff, but
 * the backward pass is ~7 elementwise passes over x instead of ~20 (tfjs-core's FusedBatchNorm
 * gradient plus the gradients of `moments` through mean and variance), which on the wasm backend
 * costs more than the convolution next to it. Backend-independent: plain tfjs ops.
 *
 * The batch statistics for the moving averages are not returned (a custom gradient has one
 * output): compute `tf.moments(x, [0, 1, 2])` beside it; no loss depends on them.
 * @param x `[B, H, W, C]`; @param gamma, beta `[C]`; @returns `[B, H, W, C]`.
 */
export function batchNormTraining(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): tf.Tensor4D {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xIn, gammaIn, betaIn, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const { mean, variance } = tf.moments(xIn, [0, 1, 2]);
    const rstd = tf.rsqrt(tf.add(variance, epsilon));
    const xHat = tf.mul(tf.sub(xIn, mean), rstd);
    save([xHat, rstd, gammaIn]);
    return {
      value: tf.add(tf.mul(xHat, gammaIn), betaIn),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedXHat, savedRstd, savedGamma] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const n = dy.shape[0]! * dy.shape[1]! * dy.shape[2]!;
        const dBeta = tf.sum(dy, [0, 1, 2]);
        const dGamma = tf.sum(tf.mul(dy, savedXHat), [0, 1, 2]);
        const centred = tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(savedXHat, tf.div(dGamma, n)));
        const dx = tf.mul(centred, tf.mul(savedGamma, savedRstd));
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}
