import * as tf from '@tensorflow/tfjs-core';

/** RoIs as host numbers: boxes XYXY (4·R) and the image of each (R). */
export interface HostRois {
  boxes: ArrayLike<number>;
  imageIndex: ArrayLike<number>;
  count: number;
}

/**
 * RoIs as the host holds them. No tensor: RoIs are constants of the op, and reading a tensor's
 * values is the caller's business, asynchronously (`await boxes.data()`), as a GPU backend requires.
 */
export type BoxesInput = ArrayLike<number> | readonly (readonly number[])[];
export type ImageIndexInput = ArrayLike<number>;

/**
 * Checks the RoIs against the batch. The sampling positions are computed on the host, so RoIs are
 * constants of the op: no gradient flows to the boxes (as in Mask R-CNN, where the RoIs are proposals).
 */
export function readRois(boxes: BoxesInput, index: ImageIndexInput, batch: number): HostRois {
  const flat: ArrayLike<number> =
    boxes.length > 0 && Array.isArray(boxes[0]) ? (boxes as readonly (readonly number[])[]).flat() : (boxes as ArrayLike<number>);
  if (flat.length % 4 !== 0) throw new RangeError(`boxes: length ${flat.length} is not a multiple of 4`);
  const count = flat.length / 4;
  if (index.length !== count) throw new RangeError(`boxImageIndex: length ${index.length}, expected one per box (${count})`);
  for (let r = 0; r < count; r++) {
    const b = index[r];
    if (!Number.isInteger(b) || b < 0 || b >= batch) {
      throw new RangeError(`boxImageIndex[${r}]: ${b} is not an image of the batch (0..${batch - 1})`);
    }
  }
  return { boxes: flat, imageIndex: index, count };
}

/**
 * out[r, i, j, :] = Σ_t weights[n] · features.flat[indices[n], :] with n = ((r·S + i)·S + j)·taps + t:
 * a gather (its gradient is UnsortedSegmentSum, so it trains on cpu and wasm) and a weighted sum.
 * Returns [R, S, S, C].
 */
export function gatherWeightedSum(
  features: tf.Tensor4D,
  indices: Int32Array,
  weights: Float32Array,
  count: number,
  size: number,
  taps: number,
): tf.Tensor4D {
  const [b, h, w, c] = features.shape;
  return tf.tidy(() => {
    if (count === 0) return tf.zeros([0, size, size, c]) as tf.Tensor4D;
    const flat = tf.reshape(features, [b * h * w, c]);
    const rows = tf.gather(flat, tf.tensor1d(indices, 'int32'));
    const weighted = tf.mul(rows, tf.tensor2d(weights, [weights.length, 1]));
    return tf.sum(tf.reshape(weighted, [count, size, size, taps, c]), 3) as tf.Tensor4D;
  });
}
