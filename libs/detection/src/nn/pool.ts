import * as tf from '@tensorflow/tfjs-core';

/** k×k max pooling, 'same' padding: `[B, H, W, C]` → `[B, ceil(H/s), ceil(W/s), C]`. */
export function maxPool(x: tf.Tensor4D, kernelSize = 3, stride = 2): tf.Tensor4D {
  return tf.maxPool(x, kernelSize, stride, 'same');
}

/** Mean over H and W, keeping them: `[B, H, W, C]` → `[B, 1, 1, C]`. */
export function globalAvgPool(x: tf.Tensor4D): tf.Tensor4D {
  return tf.mean(x, [1, 2], true) as tf.Tensor4D;
}
