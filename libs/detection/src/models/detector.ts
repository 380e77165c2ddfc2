import type * as tf from '@tensorflow/tfjs-core';
import type { DetectorConfig } from '../config';

/** Raw head outputs for all anchors of all levels, in the anchor order of `Detector.anchors`. */
export interface DetectorOutputs {
  /** `[B, A, C]` logits (sigmoid per class; no background column). */
  classLogits: tf.Tensor3D;
  /** `[B, A, 4]` box deltas (t_x, t_y, t_w, t_h) relative to the anchors (BoxCoder). */
  boxDeltas: tf.Tensor3D;
}

/**
 * A one-stage detector (RetinaNet, EfficientDet) as the trainer, predictor and worker see it.
 * Built from a DetectorConfig by `buildDetector`; owns its variables and disposes them.
 */
export interface Detector {
  readonly config: DetectorConfig;
  /** Square input side in pixels. */
  readonly inputSize: number;
  /**
   * Anchors for `inputSize`, XYXY pixels, flat 4·A, in the order of the head's outputs:
   * level by level (P3 first), then row y, column x, then anchor index a within a position.
   */
  readonly anchors: Float32Array;
  /**
   * Forward pass. `training` switches batch-norm to batch statistics and updates its moving
   * averages once per call (by `Variable.assign`, outside the gradient's path): call
   * `apply(images, true)` exactly once per optimisation step, inside `tf.variableGrads` with the
   * trainable variables passed explicitly, and `apply(images, false)` everywhere else.
   */
  apply(images: tf.Tensor4D, training: boolean): DetectorOutputs;
  /** Trainable variables, by stable name (checkpoint keys). */
  trainableVariables(): Map<string, tf.Variable>;
  /** Every variable including non-trainable state (batch-norm moving averages), by stable name. */
  allVariables(): Map<string, tf.Variable>;
  dispose(): void;
}
