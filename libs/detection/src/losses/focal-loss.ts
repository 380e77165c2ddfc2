import * as tf from '@tensorflow/tfjs-core';
import { RETINANET_FOCAL_ALPHA, RETINANET_FOCAL_GAMMA } from '../config';
import { assertSameShape } from './shape-check';
import { stableSoftplus } from './softplus';

/** Options of the sigmoid focal loss. */
export interface FocalLossOptions {
  /** Focusing parameter γ ≥ 0; 0 gives (α-balanced) binary cross-entropy. @defaultValue 2 (RetinaNet Table 1b) */
  gamma?: number;
  /** Weight of positives; negatives get 1 − α. Negative (e.g. −1) means no weighting. @defaultValue 0.25 (RetinaNet Table 1b) */
  alpha?: number;
  /**
   * Per-element weight, broadcastable to `logits` (e.g. `[A, 1]` with 0 for ignored anchors and 1
   * elsewhere). Multiplies the loss before the sum. @defaultValue all ones
   */
  weights?: tf.Tensor;
}

/**
 * The sigmoid focal loss of RetinaNet §3.2 (eq. 5), summed over all elements, as torchvision's
 * `sigmoid_focal_loss(..., reduction='sum')`:
 *
 *   FL = α_t · (1 − p_t)^γ · CE,   p = σ(x),   p_t = p if t = 1 else 1 − p,
 *   α_t = α if t = 1 else 1 − α  (α < 0: α_t = 1),   CE = −log p_t.
 *
 * Summed (not averaged) so the detector can normalise by the number of positive anchors.
 *
 * Numerics: with s = 2t − 1 (±1), −log p_t = softplus(−s·x) and (1 − p_t)^γ = exp(−γ·softplus(s·x)),
 * both from a stable softplus. So large |x| gives neither Infinity nor NaN, in the value or the
 * gradient, and fractional γ has a finite gradient where 1 − p_t underflows to 0 (the direct
 * pow form's γ·(1 − p_t)^(γ−1) would be ∞ there). This form assumes binary targets, which
 * one-hot class targets are.
 *
 * @param logits - any shape, e.g. `[B, A, C]` class logits.
 * @param targets - same shape, 0 or 1 (one-hot, with all zeros for background anchors).
 * @returns a scalar; the caller owns it. Intermediates are disposed.
 */
export function sigmoidFocalLoss(logits: tf.Tensor, targets: tf.Tensor, options: FocalLossOptions = {}): tf.Scalar {
  const gamma = options.gamma ?? RETINANET_FOCAL_GAMMA;
  const alpha = options.alpha ?? RETINANET_FOCAL_ALPHA;
  if (!(gamma >= 0)) throw new RangeError(`sigmoidFocalLoss: gamma must be ≥ 0, got ${gamma}`);
  if (alpha > 1) throw new RangeError(`sigmoidFocalLoss: alpha must be ≤ 1 (or negative for none), got ${alpha}`);
  assertSameShape(logits, targets, 'sigmoidFocalLoss');
  return tf.tidy(() => {
    const x = logits.dtype === 'float32' ? logits : tf.cast(logits, 'float32');
    const t = targets.dtype === 'float32' ? targets : tf.cast(targets, 'float32');
    const sx = tf.mul(tf.sub(tf.mul(t, 2), 1), x); // s·x
    let loss = stableSoftplus(tf.neg(sx)); // CE = −log p_t
    if (gamma !== 0) loss = tf.mul(loss, tf.exp(tf.mul(stableSoftplus(sx), -gamma))); // (1 − p_t)^γ
    if (alpha >= 0) loss = tf.mul(loss, tf.add(tf.mul(t, 2 * alpha - 1), 1 - alpha)); // α_t = α·t + (1 − α)(1 − t)
    if (options.weights) loss = tf.mul(loss, options.weights);
    return tf.sum(loss) as tf.Scalar;
  });
}
