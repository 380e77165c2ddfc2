import * as tf from '@tensorflow/tfjs-core';
import type { AnchorSet } from '../anchors';
import type { DetectorConfig } from '../config';
import type { ParamStore } from '../nn';
import type { Backbone } from './backbones/backbone';
import type { Detections } from '../postprocess/decode-detections';
import type { TrainBatch } from '../structures';
import { denseDetect, denseTrainingLoss } from './dense-detector';
import type { DetectOptions, Detector, DetectorOutputs, TrainingLoss } from './detector';
import type { DenseHead } from './heads/dense-head';
import type { Neck } from './necks/neck';
import { ParamStoreDetector } from './param-store-detector';

/** The parts a one-stage detector is composed of (built by `buildDetector`, or by hand in tests). */
export interface OneStageDetectorParts {
  config: DetectorConfig;
  inputSize: number;
  anchorSet: AnchorSet;
  params: ParamStore;
  backbone: Backbone;
  neck: Neck;
  head: DenseHead;
}

/**
 * RetinaNet and EfficientDet alike: backbone → neck (FPN or BiFPN) → dense head, composed rather than
 * inherited (detectron2's `RetinaNet` receives its backbone, head and anchor generator).
 *
 * ## Training and batch norm
 * `apply(images, true)` normalises with batch statistics and updates every batch norm's moving mean
 * and variance once, by `Variable.assign`, as a side effect. So a trainer must call it exactly once
 * per optimisation step, inside `tf.variableGrads(() => loss(detector.apply(images, true)), vars)`,
 * with `vars = [...detector.trainableVariables().values()]` (pass them explicitly: tfjs's default
 * is every trainable variable of the process, other models' included). `variableGrads` keys its
 * result by the tfjs `Variable.name`, which is `m<k>/<name>`; map back through `trainableVariables()`.
 * Evaluation and any extra forward pass use `apply(images, false)`.
 * Checkpoints must save `allVariables()` (the moving statistics are not trainable).
 */
export class OneStageDetector extends ParamStoreDetector implements Detector {
  readonly anchors: Float32Array;
  readonly anchorSet: AnchorSet;
  readonly backbone: Backbone;
  readonly neck: Neck;
  readonly head: DenseHead;

  constructor(parts: OneStageDetectorParts) {
    super(parts);
    this.anchorSet = parts.anchorSet;
    this.anchors = parts.anchorSet.anchors;
    this.backbone = parts.backbone;
    this.neck = parts.neck;
    this.head = parts.head;
  }

  /** Number of anchors A_total = rows of the outputs. */
  get numAnchors(): number {
    return this.anchors.length / 4;
  }

  /**
   * @param images - `[B, S, S, 3]` float32, S = inputSize, normalised as the data pipeline does.
   * @returns classLogits `[B, A_total, C]`, boxDeltas `[B, A_total, 4]`; the caller owns them.
   */
  apply(images: tf.Tensor4D, training: boolean): DetectorOutputs {
    this.checkImages(images, 'Detector.apply');
    return tf.tidy((): tf.TensorContainer => {
      const features = this.backbone.apply(images, training);
      const pyramid = this.neck.apply(features, training);
      return { ...this.head.apply(pyramid, training) };
    }) as unknown as DetectorOutputs;
  }

  /** RetinaNet's loss (focal + smooth-L1 over matched anchors; parts `cls`, `box`). */
  async trainingLoss(batch: TrainBatch): Promise<TrainingLoss> {
    return denseTrainingLoss(this, batch);
  }

  /** RetinaNet's inference (decodeDetections). */
  detect(images: tf.Tensor4D, options?: DetectOptions): Promise<Detections[]> {
    return denseDetect(this, images, options);
  }
}
