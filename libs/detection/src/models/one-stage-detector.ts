import * as tf from '@tensorflow/tfjs-core';
import type { AnchorSet } from '../anchors';
import type { DetectorConfig } from '../config';
import type { ParamStore } from '../nn';
import type { Backbone } from './backbones/backbone';
import { loadBackboneWeights, type LoadedWeights } from './backbones/backbone-weights';
import type { Detections } from '../postprocess/decode-detections';
import type { TrainBatch } from '../structures';
import { denseDetect, denseTrainingLoss } from './dense-detector';
import type { DetectOptions, Detector, DetectorOutputs, TrainingLoss } from './detector';
import type { DenseHead } from './heads/dense-head';
import type { Neck } from './necks/neck';

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
export class OneStageDetector implements Detector {
  readonly config: DetectorConfig;
  readonly inputSize: number;
  readonly anchors: Float32Array;
  readonly anchorSet: AnchorSet;
  readonly backbone: Backbone;
  readonly neck: Neck;
  readonly head: DenseHead;
  private readonly params: ParamStore;

  constructor(parts: OneStageDetectorParts) {
    this.config = parts.config;
    this.inputSize = parts.inputSize;
    this.anchorSet = parts.anchorSet;
    this.anchors = parts.anchorSet.anchors;
    this.params = parts.params;
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
    const [, h, w, c] = images.shape;
    if (images.rank !== 4 || h !== this.inputSize || w !== this.inputSize || c !== 3) {
      throw new RangeError(`Detector.apply: images must be [B, ${this.inputSize}, ${this.inputSize}, 3], got [${images.shape.join(', ')}]`);
    }
    return tf.tidy((): tf.TensorContainer => {
      const features = this.backbone.apply(images, training);
      const pyramid = this.neck.apply(features, training);
      return { ...this.head.apply(pyramid, training) };
    }) as unknown as DetectorOutputs;
  }

  /** RetinaNet's loss (focal + smooth-L1 over matched anchors; parts `cls`, `box`). */
  trainingLoss(batch: TrainBatch): TrainingLoss {
    return denseTrainingLoss(this, batch);
  }

  /** RetinaNet's inference (decodeDetections). */
  detect(images: tf.Tensor4D, options?: DetectOptions): Promise<Detections[]> {
    return denseDetect(this, images, options);
  }

  trainableVariables(): Map<string, tf.Variable> {
    return this.params.trainable();
  }

  allVariables(): Map<string, tf.Variable> {
    return this.params.all();
  }

  /**
   * Loads a backbone weights file (format in backbones/backbone-weights.ts) into this detector's
   * `backbone.*` variables. @throws ModelConfigError naming the file and entry on a mismatch.
   */
  loadBackboneWeights(path: string): LoadedWeights {
    return loadBackboneWeights(this.allVariables(), path);
  }

  /** Number of trainable scalars. */
  countParameters(): number {
    return this.params.countTrainableParameters();
  }

  dispose(): void {
    this.params.dispose();
  }
}
