import type * as tf from '@tensorflow/tfjs-core';

/** Throws a RangeError naming `where` unless the two tensors have the same shape. */
export function assertSameShape(a: tf.Tensor, b: tf.Tensor, where: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RangeError(`${where}: shapes differ: [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  }
}
