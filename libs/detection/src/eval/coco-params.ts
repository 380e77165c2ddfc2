import { COCO_AREA_RANGES, COCO_KEYPOINT_MAX_DETS, COCO_MAX_DETS, COCO_RECALL_POINTS } from '../config';

/**
 * The parameters of COCO bounding-box evaluation, with the defaults of pycocotools'
 * `Params.setDetParams` (iouType 'bbox').
 */
export interface CocoEvalParams {
  /** IoU thresholds T. @defaultValue np.linspace(.5, .95, 10) (see {@link numpyLinspace}) */
  iouThresholds: readonly number[];
  /** Recall thresholds R. @defaultValue np.linspace(0, 1, 101) */
  recallThresholds: readonly number[];
  /** Maximum detections per image M, ascending. @defaultValue [1, 10, 100] */
  maxDets: readonly number[];
  /** Ranges [lo, hi] (both inclusive) of the GT `area` field A. @defaultValue all, small, medium, large */
  areaRanges: readonly (readonly [number, number])[];
  /** One label per area range; the summary looks up 'all', 'small', 'medium' and 'large'. */
  areaLabels: readonly string[];
}

/**
 * `np.linspace(start, stop, num)` to the last bit: numpy computes `i * step + start` with
 * `step = (stop - start) / (num - 1)` and then writes `stop` into the last slot. The exact
 * values matter: an IoU equal to a threshold matches (`iou < t` skips), and 0.5 + 0.05·i
 * differs from numpy's values at i = 7 and 8 (0.8500000000000001 vs 0.85, 0.9 vs 0.8999999999999999).
 */
export function numpyLinspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, i) => i * step + start);
  out[num - 1] = stop;
  return out;
}

/** pycocotools: `np.linspace(.5, 0.95, int(np.round((0.95 - .5) / .05)) + 1)`, 10 thresholds. */
export const COCO_EVAL_IOU_THRESHOLDS: readonly number[] = numpyLinspace(0.5, 0.95, 10);
/** pycocotools: `np.linspace(.0, 1.00, int(np.round((1.00 - .0) / .01)) + 1)`, 101 points. */
export const COCO_EVAL_RECALL_THRESHOLDS: readonly number[] = numpyLinspace(0, 1, COCO_RECALL_POINTS);

/** The defaults of pycocotools for iouType 'bbox'. */
export function defaultCocoEvalParams(): CocoEvalParams {
  return {
    iouThresholds: COCO_EVAL_IOU_THRESHOLDS,
    recallThresholds: COCO_EVAL_RECALL_THRESHOLDS,
    maxDets: COCO_MAX_DETS,
    areaRanges: [COCO_AREA_RANGES.all, COCO_AREA_RANGES.small, COCO_AREA_RANGES.medium, COCO_AREA_RANGES.large],
    areaLabels: ['all', 'small', 'medium', 'large'],
  };
}

/** The defaults of pycocotools for iouType 'keypoints' (`setKpParams`): maxDets [20], areas all, medium, large. */
export function defaultCocoKeypointParams(): CocoEvalParams {
  return {
    iouThresholds: COCO_EVAL_IOU_THRESHOLDS,
    recallThresholds: COCO_EVAL_RECALL_THRESHOLDS,
    maxDets: COCO_KEYPOINT_MAX_DETS,
    areaRanges: [COCO_AREA_RANGES.all, COCO_AREA_RANGES.medium, COCO_AREA_RANGES.large],
    areaLabels: ['all', 'medium', 'large'],
  };
}
