import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';

/**
 * The reduced axes of a Sum or Mean when they are exactly every axis but the last (a bias or
 * batch-norm gradient: NHWC over N, H, W), else null.
 */
export function leadingAxesReduction(shape: readonly number[], axis: number | number[]): { rows: number; channels: number } | null {
  const rank = shape.length;
  if (rank < 2) return null;
  const axes = [...util.parseAxisParam(axis, shape as number[])].sort((a, b) => a - b);
  if (axes.length !== rank - 1 || axes.some((a, i) => a !== i)) return null;
  const channels = shape[rank - 1]!;
  return { rows: util.sizeFromShape(shape.slice(0, -1) as number[]), channels };
}

/**
 * Mean (or, scaled by the row count, Sum) over every axis but the last as one average pooling of a
 * `[1, rows, 1, C]` view with a `rows × 1` window: XNNPACK pools along rows with the channels in
 * its SIMD lanes. The wasm Sum and Mean transpose the tensor first to put the reduced axes
 * innermost: [32768, 48] took 18.6 ms CPU that way and 0.24 ms as a pool (a one-row matMul with
 * ones, the batch norm's former trick, 2.2 ms).
 */
export function reduceLeadingAxes(x: tf.Tensor, rows: number, channels: number, kind: 'sum' | 'mean', keepDims: boolean): tf.Tensor {
  return tf.tidy(() => {
    const view = tf.reshape(x, [1, rows, 1, channels]) as tf.Tensor4D;
    const mean = tf.avgPool(view, [rows, 1], 1, 'valid');
    const reduced = kind === 'sum' ? tf.mul(mean, rows) : mean;
    return tf.reshape(reduced, keepDims ? x.shape.map((d, i) => (i === x.rank - 1 ? d : 1)) : [channels]);
  });
}
