import {
  evaluateCoco,
  evaluateCocoKeypoints,
  evaluateCocoSegm,
  type CocoEvalOptions,
  type CocoEvalResult,
  type CocoKeypointDetection,
  type CocoKeypointEvalResult,
  type CocoSegmDetection,
} from '../eval';
import type { CocoDataset, CocoDetection } from '../eval/coco-format';
import type { IouType } from '../families/family';

/** The COCO evaluation of one iou type: bbox and segm have pycocotools' 12 stats, keypoints its 10. */
export type IouTypeScore = CocoEvalResult | CocoKeypointEvalResult;

/** The COCO evaluation of each iou type a family's detections are scored by (`DetectorFamily.iouTypes`). */
export interface ScoresByIouType {
  bbox: CocoEvalResult;
  /** Mask AP, for a detector with masks. */
  segm?: CocoEvalResult;
  /** Keypoint AP (OKS), for a detector with keypoints. */
  keypoints?: CocoKeypointEvalResult;
}

/**
 * Scores COCO results as pycocotools' `COCOeval(gt, gt.loadRes(dets), iouType)` by every iou type in
 * `iouTypes` (bbox always): the one place that knows which evaluator each type takes, shared by the
 * training-time evaluation and the worker's evaluate job.
 */
export function scoreDetections(groundTruth: CocoDataset, detections: readonly CocoDetection[], iouTypes: readonly IouType[], options: CocoEvalOptions = {}): ScoresByIouType {
  const out: ScoresByIouType = { bbox: evaluateCoco(groundTruth, detections, options) };
  if (iouTypes.includes('segm')) out.segm = evaluateCocoSegm(groundTruth, detections as CocoSegmDetection[], options);
  if (iouTypes.includes('keypoints')) out.keypoints = evaluateCocoKeypoints(groundTruth, detections as CocoKeypointDetection[], options);
  return out;
}
