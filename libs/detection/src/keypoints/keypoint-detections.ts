import type { Detections } from '../postprocess/decode-detections';
import type { ImageMeta } from '../structures/batch';

/** Detections of a detector with a keypoint head (Keypoint R-CNN): K keypoints per box. */
export interface KeypointDetections extends Detections {
  /**
   * n·K·3 (x, y, score) per detection: continuous input-pixel coordinates (a pixel d spans
   * [d, d + 1)) and the keypoint's heatmap score (`heatmapsToKeypoints`), as detectron2's
   * `pred_keypoints`.
   */
  keypoints: Float32Array;
  /** K. */
  numKeypoints: number;
}

/** Whether detections carry keypoints (a Keypoint R-CNN's). */
export function hasKeypoints(d: Detections): d is KeypointDetections {
  return (d as Partial<KeypointDetections>).keypoints instanceof Float32Array;
}

/**
 * The visibility flag written for every predicted keypoint: COCO's results format has a `v` per
 * point that the evaluation never reads (OKS uses only x and y); Detectron writes 1, "labelled".
 */
export const PREDICTED_KEYPOINT_VISIBILITY = 1;

/**
 * Continuous input coordinates of a batch's COCO keypoints. `@ablate/data` moves a keypoint into
 * the input as the box corners, x·scale + pad (mirrored: S − that); a COCO keypoint is a pixel
 * index, whose continuous position is its centre x + 0.5 (detectron2 adds 0.5 as it loads COCO,
 * datasets/coco.py). So the continuous input position is x_batch ± 0.5·scale. Unlabelled points
 * (v = 0) stay as they are.
 *
 * @param keypoints - N·K·3 (x, y, v), input pixels as the batch carries them.
 */
export function continuousKeypoints(keypoints: Float32Array, meta: ImageMeta): Float32Array {
  const out = Float32Array.from(keypoints);
  const half = 0.5 * meta.scale;
  for (let p = 0; p < out.length; p += 3) {
    if (!(out[p + 2]! > 0)) continue;
    out[p] += meta.flipped ? -half : half;
    out[p + 1] += half;
  }
  return out;
}

/**
 * Detection k's keypoints as a COCO results `keypoints` entry, `[x, y, v]·K` in the original
 * image's pixel indices: the continuous input position mapped back through the letterbox,
 * (x − pad) / scale, less 0.5 (detectron2's results writer, the inverse of the + 0.5 on loading),
 * with v = PREDICTED_KEYPOINT_VISIBILITY.
 *
 * @throws RangeError for a mirrored placement: its left and right points would need renaming, and
 *   inference never mirrors.
 */
export function detectionKeypoints(dets: KeypointDetections, k: number, meta: ImageMeta): number[] {
  if (meta.flipped) throw new RangeError(`keypoints of image ${meta.imageId}: a mirrored input's keypoints cannot be mapped back (inference does not flip)`);
  const K = dets.numKeypoints;
  const out: number[] = [];
  for (let j = 0; j < K; j++) {
    const p = 3 * (k * K + j);
    out.push((dets.keypoints[p]! - meta.padX) / meta.scale - 0.5, (dets.keypoints[p + 1]! - meta.padY) / meta.scale - 0.5, PREDICTED_KEYPOINT_VISIBILITY);
  }
  return out;
}
