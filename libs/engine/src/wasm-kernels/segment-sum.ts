import * as tf from '@tensorflow/tfjs-core';

/**
 * `unsortedSegmentSum(x, segmentIds, numSegments)`: out[s, …] = Σ_{n: ids[n] = s} x[n, …]. It is
 * the gradient of `gather` (the rows a gather read receive the summed gradients of every read).
 * Built on ScatterNd, which sums duplicate indices. Ids outside [0, numSegments) contribute
 * nothing, as in TensorFlow: they are routed to one scratch row that is cut off at the end.
 * @param x `[...ids.shape, ...rest]`; @param segmentIds int32, any shape; @returns `[numSegments, ...rest]`.
 */
export function unsortedSegmentSum(x: tf.Tensor, segmentIds: tf.Tensor, numSegments: number): tf.Tensor {
  return tf.tidy(() => {
    const n = segmentIds.size;
    const rest = x.shape.slice(segmentIds.rank);
    const ids = tf.reshape(tf.cast(segmentIds, 'int32'), [n]);
    const outside = tf.logicalOr(tf.less(ids, 0), tf.greaterEqual(ids, numSegments));
    const safeIds = tf.where(outside, tf.fill([n], numSegments, 'int32'), ids);
    const rows = tf.reshape(x, [n, ...rest]);
    const summed = tf.scatterND(tf.reshape(safeIds, [n, 1]), rows, [numSegments + 1, ...rest]);
    return tf.slice(summed, 0, numSegments);
  });
}
