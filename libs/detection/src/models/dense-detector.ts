import * as tf from '@tensorflow/tfjs-core';
import { generateAnchors } from '../anchors';
import type { MatcherConfig } from '../config';
import type { MatcherOptions } from '../matcher';
import { decodeDetections, type Detections } from '../postprocess/decode-detections';
import type { TrainBatch } from '../structures';
import { detectionLoss } from '../train/detection-loss';
import { buildTargets, type TargetOptions } from '../train/targets';
import type { DetectOptions, Detector, TrainingLoss } from './detector';

/** The dense part of a detector: what a one-stage detector is made of. */
export type DenseCore = Omit<Detector, 'trainingLoss' | 'detect'>;

/**
 * RetinaNet's training loss for any dense detector (RetinaNet §3.3, §4.1): anchor targets
 * (`buildTargets` with the detector's `config.matcher`), one training-mode `apply`, focal +
 * smooth-L1 (`detectionLoss`) with the detector's `config.loss`. Parts: `cls`, `box`.
 */
export function denseTrainingLoss(detector: DenseCore, batch: TrainBatch, targetOptions: TargetOptions = {}): TrainingLoss {
  const options = { matcher: matcherOptions(detector.config.matcher), ...targetOptions };
  const targets = buildTargets(detector.anchors, batch.gtBoxes, batch.gtLabels, detector.config.model.numClasses, options);
  return tf.tidy(() => {
    const outputs = detector.apply(batch.images, true);
    const l = detectionLoss(outputs, targets, detector.config.loss);
    return { total: l.total, parts: { cls: l.classLoss, box: l.boxLoss }, numPositives: targets.numPositives };
  }) as TrainingLoss;
}

/** The matcher's options from a detector config's `matcher` section. */
export function matcherOptions(config: MatcherConfig): MatcherOptions {
  return { fgIouThreshold: config.fgIou, bgIouThreshold: config.bgIou, allowLowQualityMatches: config.lowQualityMatches };
}

/**
 * RetinaNet's inference for any dense detector: `apply(images, false)`, then per image
 * `decodeDetections` (≤ 1000 candidates per level above 0.05, class-wise NMS 0.5, ≤ 100 kept).
 */
export async function denseDetect(detector: DenseCore, images: tf.Tensor4D, options: DetectOptions = {}): Promise<Detections[]> {
  const B = images.shape[0];
  const S = detector.inputSize;
  const { levelCounts } = generateAnchors(detector.config.anchors, S);
  const outputs = tf.tidy(() => {
    const o = detector.apply(images, false);
    return [o.classLogits, o.boxDeltas];
  });
  let logits: Float32Array;
  let deltas: Float32Array;
  try {
    [logits, deltas] = (await Promise.all(outputs.map((t) => t.data()))) as Float32Array[];
  } finally {
    tf.dispose(outputs);
  }
  const A = detector.anchors.length / 4;
  const C = logits.length / (B * A);
  const out: Detections[] = [];
  for (let b = 0; b < B; b++) {
    out.push(
      decodeDetections(logits.subarray(b * A * C, (b + 1) * A * C), deltas.subarray(b * A * 4, (b + 1) * A * 4), detector.anchors, levelCounts, S, options),
    );
  }
  return out;
}

/** A Detector from a dense core (tests' hand-built detectors): RetinaNet's loss and inference. */
export function asDenseDetector(core: DenseCore): Detector {
  return {
    get config() {
      return core.config;
    },
    get inputSize() {
      return core.inputSize;
    },
    get anchors() {
      return core.anchors;
    },
    apply: (images, training) => core.apply(images, training),
    trainingLoss: async (batch) => denseTrainingLoss(core, batch),
    detect: (images, options) => denseDetect(core, images, options),
    trainableVariables: () => core.trainableVariables(),
    allVariables: () => core.allVariables(),
    dispose: () => core.dispose(),
  };
}
