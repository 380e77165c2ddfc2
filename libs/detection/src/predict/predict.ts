import { withDeviceErrorScope } from '@ablate/engine';
import type * as tf from '@tensorflow/tfjs-core';
import type { CocoDetection } from '../eval/coco-format';
import { detectionKeypoints, hasKeypoints } from '../keypoints/keypoint-detections';
import { detectionSegmentation, hasMasks } from '../masks/mask-detections';
import type { DetectOptions, Detector } from '../models/detector';
import type { Detections } from '../postprocess';
import type { ImageMeta } from '../structures';

/** Options of {@link predict}: the detector's inference overrides plus the label map. */
export interface PredictOptions extends DetectOptions {
  /**
   * COCO category id of each class index: `categoryIds[c]` (a dataset's categories sorted by id,
   * as `@ablate/data` numbers its labels). @defaultValue c + 1
   */
  categoryIds?: readonly number[];
}

/**
 * Runs the detector in inference mode on a batch and returns COCO results entries in the
 * original images' pixels.
 *
 * Per image: `detector.detect` (one-stage: decodeDetections, RetinaNet §4.1; two-stage: proposals,
 * box head, per-class NMS at 0.5, score > 0.05, ≤ 100) → boxes mapped back through the image's
 * letterbox (`original = (input − pad) / scale`, un-mirrored if `flipped`), clipped to the
 * original image; boxes with no area left are dropped.
 *
 * @param images - `[B, S, S, 3]` with S = detector.inputSize, normalised as in training; stays the caller's.
 * @param meta - B placements (ImageMeta), one per image, in batch order.
 * @returns entries `{image_id, category_id, bbox: [x, y, w, h], score}` (plus `segmentation`, a
 *   compressed RLE in original pixels, for a detector with masks; `keypoints` `[x, y, 1]·K` in
 *   original pixels for a detector with a keypoint head), image by image, each image's in
 *   descending score order.
 */
export async function predict(
  detector: Detector,
  images: tf.Tensor4D,
  meta: readonly ImageMeta[],
  options: PredictOptions = {},
): Promise<CocoDetection[]> {
  const [B, H, W] = images.shape;
  const S = detector.inputSize;
  if (H !== S || W !== S) throw new RangeError(`predict: images are ${H}×${W}, the detector takes ${S}×${S}`);
  if (meta.length !== B) throw new RangeError(`predict: ${B} images but ${meta.length} ImageMeta entries`);
  const { categoryIds, ...detectOptions } = options;
  // On webgpu a device error of inference fails the call instead of returning garbage detections.
  const detections = await withDeviceErrorScope(`inference on ${B} images`, () => detector.detect(images, { ...detectOptions, meta }));
  const results: CocoDetection[] = [];
  for (let b = 0; b < B; b++) results.push(...toCoco(detections[b], meta[b], S, categoryIds));
  return results;
}

/** One image's detections (input pixels, XYXY) as COCO entries in original pixels. */
export function toCoco(dets: Detections, meta: ImageMeta, inputSize: number, categoryIds?: readonly number[]): CocoDetection[] {
  const out: CocoDetection[] = [];
  const { scale, padX, padY, originalWidth: ow, originalHeight: oh } = meta;
  for (let k = 0; k < dets.scores.length; k++) {
    let x1 = dets.boxes[4 * k];
    let x2 = dets.boxes[4 * k + 2];
    if (meta.flipped) [x1, x2] = [inputSize - x2, inputSize - x1];
    const ox1 = clamp((x1 - padX) / scale, ow);
    const ox2 = clamp((x2 - padX) / scale, ow);
    const oy1 = clamp((dets.boxes[4 * k + 1] - padY) / scale, oh);
    const oy2 = clamp((dets.boxes[4 * k + 3] - padY) / scale, oh);
    if (!(ox2 > ox1 && oy2 > oy1)) continue;
    const c = dets.classes[k];
    const categoryId = categoryIds === undefined ? c + 1 : categoryIds[c];
    if (categoryId === undefined) throw new RangeError(`predict: class ${c} has no entry in categoryIds`);
    const entry: CocoDetection = { image_id: meta.imageId, category_id: categoryId, bbox: [ox1, oy1, ox2 - ox1, oy2 - oy1], score: dets.scores[k] };
    // Mask R-CNN: the box's mask, pasted into the original image (segm results).
    if (hasMasks(dets)) entry.segmentation = detectionSegmentation(dets, k, meta, inputSize);
    // Keypoint R-CNN: the box's keypoints in original pixels (keypoints results).
    if (hasKeypoints(dets)) entry.keypoints = detectionKeypoints(dets, k, meta);
    out.push(entry);
  }
  return out;
}

function clamp(v: number, max: number): number {
  return Math.min(Math.max(v, 0), max);
}
