import * as tf from '@tensorflow/tfjs-core';

/**
 * The keypoint loss of Mask R-CNN (He et al. 2017, §5): "for each visible ground-truth keypoint,
 * we minimize the cross-entropy loss over an m²-way softmax output" — each keypoint's S×S logits
 * are one softmax over positions, scored against the one-hot cell of the keypoint
 * (`keypointHeatmapTargets`). Keypoints without a target (label < 0: invisible, or outside the
 * RoI) contribute nothing. The sum is divided by `normalizer`, detectron2's default being the
 * number of visible keypoints in the batch (`NORMALIZE_LOSS_BY_VISIBLE_KEYPOINTS`).
 *
 * @param logits - `[R, S, S, K]` heatmap logits (channels last, as the head writes them).
 * @param labels - R·K cell indices y·S + x in [0, S²), RoI-major, or a negative number for none.
 * @param normalizer - what the summed cross-entropy is divided by (> 0 when any label is set).
 * @returns a scalar; 0 when no keypoint has a target.
 */
export function keypointLoss(logits: tf.Tensor4D, labels: Int32Array, normalizer: number): tf.Scalar {
  const [r, s, s2, k] = logits.shape;
  if (s !== s2) throw new RangeError(`keypointLoss: heatmaps are ${s}×${s2}, expected square`);
  if (labels.length !== r * k) throw new RangeError(`keypointLoss: ${labels.length} labels for ${r} RoIs × ${k} keypoints`);
  const rows: number[] = [];
  const cells: number[] = [];
  labels.forEach((label, i) => {
    if (label < 0) return;
    if (!(Number.isInteger(label) && label < s * s)) throw new RangeError(`keypointLoss: label ${label} of keypoint ${i} is outside [0, ${s * s})`);
    rows.push(i);
    cells.push(label);
  });
  if (rows.length === 0) return tf.scalar(0);
  if (!(normalizer > 0)) throw new RangeError(`keypointLoss: normalizer ${normalizer} must be > 0`);
  return tf.tidy(() => {
    // One row of S² logits per (RoI, keypoint), RoI-major like `labels`.
    const perKeypoint = tf.reshape(tf.transpose(logits, [0, 3, 1, 2]), [r * k, s * s]);
    const scored = tf.gather(perKeypoint, tf.tensor1d(rows, 'int32'));
    const target = tf.sum(tf.mul(scored, tf.oneHot(tf.tensor1d(cells, 'int32'), s * s)), 1);
    const crossEntropy = tf.sub(tf.logSumExp(scored, 1), target);
    return tf.div(tf.sum(crossEntropy), normalizer) as tf.Scalar;
  });
}
