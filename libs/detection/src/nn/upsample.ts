import * as tf from '@tensorflow/tfjs-core';

/**
 * Nearest-neighbour upsampling by an integer factor, "by repeating rows and columns"
 * (EfficientDet §3, BiFPN), then cropped to `target` rows and columns when given (a level of side
 * ceil(S/2^l) is up to one row smaller than twice the next level's ceil(S/2^(l+1))).
 *
 * `[B, H, W, C]` → `[B, H·f, W·f, C]` (or `[B, target[0], target[1], C]`).
 *
 * Built from a reshape and a broadcasting add of zeros rather than `tf.image.resizeNearestNeighbor`:
 * the wasm backend has no ResizeNearestNeighborGrad kernel, and tfjs's tile/broadcastTo gradient
 * stops at rank 4, while a broadcast add's gradient is a plain sum over the repeated axes that
 * every backend has.
 */
export function upsampleNearest(x: tf.Tensor4D, factor = 2, target?: [number, number]): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const tall = factor === 1 ? x : repeat(x, factor);
  if (target === undefined || (target[0] === h * factor && target[1] === w * factor)) return tall;
  if (target[0] > h * factor || target[1] > w * factor) {
    throw new RangeError(`upsampleNearest: target ${target.join('×')} exceeds ${h * factor}×${w * factor}`);
  }
  return tf.slice(tall, [0, 0, 0, 0], [b, target[0], target[1], c]);
}

function repeat(x: tf.Tensor4D, f: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const spread = tf.reshape(x, [b, h, 1, w, 1, c]);
  const repeated = tf.add(spread, tf.zeros([1, 1, f, 1, f, 1]));
  return tf.reshape(repeated, [b, h * f, w * f, c]);
}
