import type * as tf from '@tensorflow/tfjs-core';
import { predictsMasks } from '../families';
import type { CocoDataset, CocoDetection } from '../eval/coco-format';
import { evaluateCoco, evaluateCocoSegm, type CocoEvalOptions, type CocoEvalResult, type CocoSegmDetection } from '../eval';
import type { Detector } from '../models/detector';
import type { ImageMeta } from '../structures';
import { predict, type PredictOptions } from './predict';

/** A batch to predict on; the evaluator disposes `images`. (A TrainBatch fits.) */
export interface PredictBatch {
  images: tf.Tensor4D;
  meta: ImageMeta[];
}

/**
 * A validation split as the evaluator needs it; `@ablate/data` builds one from a dataset
 * (createEvalBatches + toCocoGroundTruth + the categories' ids).
 */
export interface EvalSource {
  /** The split's ground truth, COCO format, original pixels. */
  groundTruth: CocoDataset;
  /** COCO category id of each class index. */
  categoryIds: readonly number[];
  /** Every image of the split once, unaugmented (flipped false). */
  batches: AsyncIterable<PredictBatch>;
}

export interface DetectorEvaluation {
  /** The 12 COCO stats, per-category AP, and the precision/recall arrays for PR curves. */
  coco: CocoEvalResult;
  /** Mask AP (iouType 'segm', same matching and accumulation) when the detector predicts masks (Mask R-CNN). */
  segm?: CocoEvalResult;
  detections: CocoDetection[];
}

/** Predicts on every batch of `source` (disposing its images) and returns the COCO results entries. */
export async function predictAll(
  detector: Detector,
  batches: AsyncIterable<PredictBatch>,
  options: PredictOptions = {},
): Promise<CocoDetection[]> {
  const detections: CocoDetection[] = [];
  for await (const batch of batches) {
    try {
      detections.push(...(await predict(detector, batch.images, batch.meta, options)));
    } finally {
      batch.images.dispose();
    }
  }
  return detections;
}

/**
 * Bounding-box evaluation of a detector on a validation split: predicts with RetinaNet's
 * inference defaults (override through `options.predict`) and scores with `evaluateCoco`
 * (pycocotools' COCOeval, 'bbox'); for a detector with masks also 'segm' (`evaluateCocoSegm`,
 * the ground truth's `segmentation`s against the predicted masks).
 */
export async function evaluateDetector(
  detector: Detector,
  source: EvalSource,
  options: { predict?: PredictOptions; coco?: CocoEvalOptions } = {},
): Promise<DetectorEvaluation> {
  const detections = await predictAll(detector, source.batches, { categoryIds: source.categoryIds, ...options.predict });
  const coco = evaluateCoco(source.groundTruth, detections, options.coco);
  // Decided by the family, not by the detections: a Mask R-CNN that detects nothing scores segm 0, not "no segm".
  if (!predictsMasks(detector.config.model)) return { coco, detections };
  return { coco, segm: evaluateCocoSegm(source.groundTruth, detections as CocoSegmDetection[], options.coco), detections };
}
