import * as tf from '@tensorflow/tfjs-core';

/**
 * softplus(x) = log(1 + eˣ), computed as max(x, 0) + log1p(e^(−|x|)) so that no exp overflows,
 * with the exact gradient sigmoid(x) supplied by hand: the composite's automatic gradient would be
 * 0 instead of ½ at x = 0 (both `relu` and `abs` have gradient 0 there). Uses only elementwise
 * kernels that the cpu and wasm backends both have.
 */
export const stableSoftplus = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  save([x]);
  return {
    value: tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.mul(dy as tf.Tensor, tf.sigmoid(saved[0])),
  };
}) as (x: tf.Tensor) => tf.Tensor;
