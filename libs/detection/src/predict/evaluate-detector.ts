import type * as tf from '@tensorflow/tfjs-core';
import { familyOf } from '../families';
import type { CocoDataset, CocoDetection } from '../eval/coco-format';
import type { CocoEvalOptions, CocoEvalResult, CocoKeypointEvalResult } from '../eval';
import type { Detector } from '../models/detector';
import type { ImageMeta } from '../structures';
import { predict, type PredictOptions } from './predict';
import { scoreDetections } from './score-detections';

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
  /** Keypoint AP (iouType 'keypoints', OKS) when the detector predicts keypoints (Keypoint R-CNN). */
  keypoints?: CocoKeypointEvalResult;
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
 * (pycocotools' COCOeval, 'bbox'); then by every other iou type of its family (`scoreDetections`):
 * 'segm' for a detector with masks (the ground truth's `segmentation`s against the predicted
 * masks), 'keypoints' for one with keypoints (OKS of the predicted keypoints).
 */
export async function evaluateDetector(
  detector: Detector,
  source: EvalSource,
  options: { predict?: PredictOptions; coco?: CocoEvalOptions } = {},
): Promise<DetectorEvaluation> {
  const detections = await predictAll(detector, source.batches, { categoryIds: source.categoryIds, ...options.predict });
  // Decided by the family, not by the detections: a Mask R-CNN that detects nothing scores segm 0, not "no segm".
  const { bbox, ...others } = scoreDetections(source.groundTruth, detections, familyOf(detector.config.model.arch).iouTypes, options.coco);
  return { coco: bbox, ...others, detections };
}
