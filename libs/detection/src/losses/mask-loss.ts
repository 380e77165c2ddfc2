import * as tf from '@tensorflow/tfjs-core';
import type { MaskLossKind } from '../models/heads/mask-head';
import { stableSoftplus } from './softplus';

/**
 * The mask loss of Mask R-CNN (He et al., §3), over the positive RoIs only.
 *
 * 'sigmoid' (the paper's choice): of the K per-class mask logits of an RoI only the channel of its
 * ground-truth class enters the loss, as the mean per-pixel binary cross-entropy; the other
 * classes' masks get no gradient, so classes do not compete (§3, "decouples mask and class
 * prediction"). Computed as BCE(x, t) = softplus(x) − x·t on the selected channel.
 *
 * 'softmax' (Table 2b's multinomial baseline): K + 1 channels, a softmax per pixel over
 * background (channel 0) and the classes; a pixel inside the RoI's GT mask is labelled with
 * channel c + 1 of its class c, any other pixel background; mean cross-entropy per pixel.
 *
 * @param logits - `[R, m, m, K]` (sigmoid) or `[R, m, m, K + 1]` (softmax).
 * @param targets - `[R, m, m]` 0/1 (maskTargetsFromBitmaps).
 * @param classes - R GT class indices in [0, K).
 * @returns the mean over R·m² pixels; 0 when R = 0.
 */
export function maskLoss(logits: tf.Tensor4D, targets: tf.Tensor3D, classes: ArrayLike<number>, kind: MaskLossKind): tf.Scalar {
  const [r, m, n, channels] = logits.shape;
  if (targets.shape[0] !== r || targets.shape[1] !== m || targets.shape[2] !== n) {
    throw new RangeError(`maskLoss: logits [${logits.shape.join(', ')}] vs targets [${targets.shape.join(', ')}]`);
  }
  if (classes.length !== r) throw new RangeError(`maskLoss: ${r} RoIs but ${classes.length} classes`);
  const numClasses = kind === 'softmax' ? channels - 1 : channels;
  for (let i = 0; i < r; i++) {
    const c = classes[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < numClasses)) throw new RangeError(`maskLoss: RoI ${i} has class ${c}, outside [0, ${numClasses})`);
  }
  if (r === 0) return tf.scalar(0);
  return tf.tidy(() => {
    if (kind === 'sigmoid') {
      const pick = tf.reshape(tf.oneHot(tf.tensor1d(Array.from(classes), 'int32'), channels), [r, 1, 1, channels]);
      const x = tf.sum(tf.mul(logits, pick), -1);
      return tf.mean(tf.sub(stableSoftplus(x), tf.mul(x, targets))) as tf.Scalar;
    }
    // Per-pixel label: class channel c + 1 inside the GT mask, background 0 outside.
    const classOneHot = tf.reshape(tf.oneHot(tf.tensor1d(Array.from(classes, (c) => c + 1), 'int32'), channels), [r, 1, 1, channels]);
    const backgroundOneHot = tf.reshape(tf.oneHot(tf.tensor1d([0], 'int32'), channels), [1, 1, 1, channels]);
    const t = tf.expandDims(targets, -1);
    const labels = tf.add(tf.mul(t, classOneHot), tf.mul(tf.sub(1, t), backgroundOneHot));
    const nll = tf.sub(tf.logSumExp(logits, -1), tf.sum(tf.mul(logits, labels), -1));
    return tf.mean(nll) as tf.Scalar;
  });
}

/**
 * The m×m mask probabilities of each RoI for the class it was detected as (Mask R-CNN §3
 * "Inference": "the k-th mask, where k is the predicted class"): σ of channel c (sigmoid) or the
 * softmax probability of channel c + 1. Returns R·m·m floats, row-major per RoI.
 */
export function maskProbabilities(logits: tf.Tensor4D, classes: ArrayLike<number>, kind: MaskLossKind): tf.Tensor3D {
  const [r, m, n, channels] = logits.shape;
  if (classes.length !== r) throw new RangeError(`maskProbabilities: ${r} RoIs but ${classes.length} classes`);
  if (r === 0) return tf.zeros([0, m, n]);
  return tf.tidy(() => {
    const index = Array.from(classes, (c) => (kind === 'softmax' ? c + 1 : c));
    const pick = tf.reshape(tf.oneHot(tf.tensor1d(index, 'int32'), channels), [r, 1, 1, channels]);
    const probs = kind === 'softmax' ? tf.softmax(logits, -1) : tf.sigmoid(logits);
    return tf.sum(tf.mul(probs, pick), -1) as tf.Tensor3D;
  });
}
