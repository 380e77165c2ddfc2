import type * as tf from '@tensorflow/tfjs-core';
import type { DetectorConfig } from '../config';
import type { Detections } from '../postprocess/decode-detections';
import type { ImageMeta, TrainBatch } from '../structures';

/**
 * Raw dense outputs for all anchors of all levels, in the anchor order of `Detector.anchors`.
 * For a one-stage detector the class and box heads; for a two-stage detector its RPN (objectness
 * as the one class).
 */
export interface DetectorOutputs {
  /** `[B, A, C]` logits (sigmoid per class; no background column). */
  classLogits: tf.Tensor3D;
  /** `[B, A, 4]` box deltas (t_x, t_y, t_w, t_h) relative to the anchors (BoxCoder). */
  boxDeltas: tf.Tensor3D;
}

/** What {@link Detector.trainingLoss} needs besides the batch. */
export interface LossContext {
  /**
   * The step being taken (1-based) and the run's seed: a two-stage detector draws its anchor and
   * RoI samples from a generator seeded by both, so a resumed run samples exactly as an
   * uninterrupted one.
   */
  step: number;
  seed: number;
}

/** The loss of one training batch, as scalars the caller owns. */
export interface TrainingLoss {
  /** What the optimiser minimises (the weighted sum of the parts). */
  total: tf.Scalar;
  /**
   * Named parts, before weighting. One-stage: `cls`, `box`. Two-stage: `cls`, `box` (the RoI box
   * head), `rpnObj`, `rpnBox` (and `mask` for Mask R-CNN).
   */
  parts: Record<string, tf.Scalar>;
  /** Positive anchors (one-stage) or foreground RoIs (two-stage) over the batch. */
  numPositives: number;
}

/** Inference-time overrides of {@link Detector.detect}; absent fields take the detector's config/paper defaults. */
export interface DetectOptions {
  /** Keep detections with probability > this (0.05). */
  scoreThreshold?: number;
  /** Class-wise NMS IoU (0.5). */
  nmsIouThreshold?: number;
  /** Detections per image (100). */
  maxDetections?: number;
  /** One-stage only: candidates per level before NMS (1000). */
  preNmsTopK?: number;
  /**
   * The images' placements, in batch order: R-CNN with a proposals file looks its regions up by
   * image id (`predict` passes them). Other detectors ignore them.
   */
  meta?: readonly ImageMeta[];
}

/**
 * A detector as the trainer, predictor and worker see it, whatever its family: RetinaNet and
 * EfficientDet (`OneStageDetector`), Faster R-CNN and Mask R-CNN (`FasterRcnn` and subclasses).
 * Built from a DetectorConfig by `buildDetector`; owns its variables and disposes them.
 *
 * The trainer uses `trainingLoss` (inside `variableGradsAsync`) and the predictor `detect`; `apply`
 * and `anchors` expose the dense outputs (the heads of a one-stage detector, the RPN of a
 * two-stage one) for tests and benchmarks.
 */
export interface Detector {
  readonly config: DetectorConfig;
  /** Square input side in pixels. */
  readonly inputSize: number;
  /**
   * Anchors for `inputSize`, XYXY pixels, flat 4·A, in the order of the dense outputs:
   * level by level (lowest first), then row y, column x, then anchor index a within a position.
   */
  readonly anchors: Float32Array;
  /**
   * Dense forward pass. `training` switches batch-norm to batch statistics and updates its moving
   * averages once per call (by `Variable.assign`, outside the gradient's path): a training-mode
   * forward must happen exactly once per optimisation step (`trainingLoss` does it), and
   * `apply(images, false)` everywhere else.
   */
  apply(images: tf.Tensor4D, training: boolean): DetectorOutputs;
  /**
   * The training loss of a batch: one training-mode forward pass, targets, loss parts. Call inside
   * `variableGradsAsync` (@ablate/engine) with the trainable variables passed explicitly; exactly
   * once per step. Async because a two-stage detector reads its RPN's scores to pick proposals, and
   * a GPU backend reads only asynchronously. `batch.images` stays the caller's.
   */
  trainingLoss(batch: TrainBatch, ctx: LossContext): Promise<TrainingLoss>;
  /**
   * Inference on a batch: per image, boxes (XYXY input pixels, clipped), scores and class indices
   * in [0, numClasses), in descending score order. `images` stays the caller's.
   */
  detect(images: tf.Tensor4D, options?: DetectOptions): Promise<Detections[]>;
  /** Trainable variables, by stable name (checkpoint keys). */
  trainableVariables(): Map<string, tf.Variable>;
  /** Every variable including non-trainable state (batch-norm moving averages), by stable name. */
  allVariables(): Map<string, tf.Variable>;
  dispose(): void;
}
