import * as tf from '@tensorflow/tfjs-core';
import { assertSameShape } from './shape-check';

/** Below this β the smooth-L1 loss is computed as plain L1 (0.5·n²/β would divide 0 by ~0). */
const MIN_BETA = 1e-5;

/**
 * Smooth-L1 (Huber) loss of Fast R-CNN eq. 3 with a transition point β, summed over all elements
 * (detectron2 / torchvision `smooth_l1_loss(..., reduction='sum')`):
 *
 *   n = |pred − target|,   loss = 0.5·n²/β  if n < β,   n − 0.5·β  otherwise.
 *
 * β = 0 (or any β < 1e-5) is the L1 loss. Fast R-CNN uses β = 1; detectron2's RetinaNet 0.1.
 *
 * @param pred - any shape, e.g. `[B, A, 4]` predicted deltas.
 * @param target - same shape, target deltas (BoxCoder.encode of the matched ground truth).
 * @param weights - optional, broadcastable to `pred` (e.g. `[B, A, 1]`, 1 on positive anchors, 0 elsewhere).
 * @returns a scalar; the caller owns it.
 */
export function smoothL1Loss(pred: tf.Tensor, target: tf.Tensor, beta: number, weights?: tf.Tensor): tf.Scalar {
  if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be ≥ 0, got ${beta}`);
  assertSameShape(pred, target, 'smoothL1Loss');
  return tf.tidy(() => {
    const n = tf.abs(tf.sub(pred, target));
    let loss: tf.Tensor = n;
    if (beta >= MIN_BETA) {
      // With m = min(n, β): 0.5·m²/β + (n − m) is 0.5·n²/β below β and n − 0.5·β above. Written
      // without a comparison so every op on the path has a registered gradient (Less has none).
      const m = tf.minimum(n, beta);
      loss = tf.add(tf.mul(tf.square(m), 0.5 / beta), tf.sub(n, m));
    }
    if (weights) loss = tf.mul(loss, weights);
    return tf.sum(loss) as tf.Scalar;
  });
}
