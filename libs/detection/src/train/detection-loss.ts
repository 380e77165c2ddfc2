import * as tf from '@tensorflow/tfjs-core';
import type { LossConfig } from '../config';
import { sigmoidFocalLoss, smoothL1Loss } from '../losses';
import type { DetectorOutputs } from '../models/detector';
import type { AnchorTargets } from './targets';

/** The loss of one batch and its parts, as scalars the caller owns. */
export interface DetectionLoss {
  total: tf.Scalar;
  /** Focal loss summed over non-ignored anchors and classes, / max(1, positives). */
  classLoss: tf.Scalar;
  /** Smooth-L1 summed over positive anchors' four deltas, / max(1, positives) (before boxWeight). */
  boxLoss: tf.Scalar;
}

/**
 * RetinaNet's training loss (RetinaNet §3.3 and §4.1): the focal loss over all anchors that are
 * not ignored plus `boxWeight` times the smooth-L1 box loss over the positive anchors, both
 * normalised by the number of positive anchors in the batch, floored at 1 (so a batch with no
 * object still trains the background).
 *
 *   L = FL / max(1, N_pos) + boxWeight · SmoothL1_β / max(1, N_pos)
 */
export function detectionLoss(outputs: DetectorOutputs, targets: AnchorTargets, loss: LossConfig): DetectionLoss {
  const { batchSize: B, numAnchors: A, numClasses: C } = targets;
  const [ob, oa, oc] = outputs.classLogits.shape;
  if (ob !== B || oa !== A || oc !== C) {
    throw new RangeError(`detectionLoss: class logits are [${ob}, ${oa}, ${oc}] but targets are [${B}, ${A}, ${C}]`);
  }
  const normaliser = Math.max(1, targets.numPositives);
  return tf.tidy(() => {
    const classSum = sigmoidFocalLoss(outputs.classLogits, tf.tensor3d(targets.classTargets, [B, A, C]), {
      gamma: loss.gamma,
      alpha: loss.alpha,
      weights: tf.tensor3d(targets.classWeights, [B, A, 1]),
    });
    const boxSum = smoothL1Loss(
      outputs.boxDeltas,
      tf.tensor3d(targets.boxTargets, [B, A, 4]),
      loss.smoothL1Beta,
      tf.tensor3d(targets.boxWeights, [B, A, 1]),
    );
    const classLoss = tf.div(classSum, normaliser) as tf.Scalar;
    const boxLoss = tf.div(boxSum, normaliser) as tf.Scalar;
    const total = tf.add(classLoss, tf.mul(boxLoss, loss.boxWeight)) as tf.Scalar;
    return { total, classLoss, boxLoss };
  });
}
