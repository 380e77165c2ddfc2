/**
 * Predicted m×m masks back into the original image (Mask R-CNN §3 "Inference": the mask is
 * resized to the RoI size and binarised at 0.5), through the letterbox the image was placed with,
 * as the COCO RLE a segm results file carries.
 */
import { MASK_THRESHOLD } from '../config/paper-constants';
import type { ImageMeta } from '../structures/batch';
import { pasteMask } from './mask-targets';
import { rleEncode, type Rle } from './rle';

/** Mirrors a row-major m×m grid left–right (a flipped input's mask, back in the original's orientation). */
function mirrorColumns(mask: ArrayLike<number>, m: number): Float32Array {
  const out = new Float32Array(m * m);
  for (let y = 0; y < m; y++) for (let x = 0; x < m; x++) out[y * m + x] = mask[y * m + (m - 1 - x)]!;
  return out;
}

/**
 * The original-image box of an input-pixel box: un-mirrored if `flipped`, then (v − pad) / scale.
 * Not clipped: the mask spans the whole box, and pasting clips to the image.
 */
export function inputBoxToOriginal(box: ArrayLike<number>, meta: ImageMeta, inputSize: number): [number, number, number, number] {
  let x1 = box[0]!;
  let x2 = box[2]!;
  if (meta.flipped) [x1, x2] = [inputSize - x2, inputSize - x1];
  return [(x1 - meta.padX) / meta.scale, (box[1]! - meta.padY) / meta.scale, (x2 - meta.padX) / meta.scale, (box[3]! - meta.padY) / meta.scale];
}

/**
 * RLEs (original image size, COCO column-major) of n detections' masks: `masks` n·m·m
 * probabilities, row-major per detection, each predicted for `boxes[4k..4k+4]` (XYXY input pixels).
 */
export function pasteDetectionMasks(
  masks: Float32Array,
  m: number,
  boxes: ArrayLike<number>,
  meta: ImageMeta,
  inputSize: number,
  threshold = MASK_THRESHOLD,
): Rle[] {
  const n = boxes.length / 4;
  if (masks.length !== n * m * m) throw new RangeError(`pasteDetectionMasks: ${masks.length} values for ${n} masks of ${m}×${m}`);
  const h = Math.round(meta.originalHeight);
  const w = Math.round(meta.originalWidth);
  const out: Rle[] = [];
  for (let k = 0; k < n; k++) {
    let mask: ArrayLike<number> = masks.subarray(k * m * m, (k + 1) * m * m);
    if (meta.flipped) mask = mirrorColumns(mask, m);
    const box = inputBoxToOriginal([boxes[4 * k]!, boxes[4 * k + 1]!, boxes[4 * k + 2]!, boxes[4 * k + 3]!], meta, inputSize);
    out.push(rleEncode(pasteMask(mask, m, box, h, w, threshold), h, w));
  }
  return out;
}
