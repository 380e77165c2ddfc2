import type { Detections } from '../postprocess/decode-detections';
import type { ImageMeta } from '../structures/batch';
import { pasteDetectionMasks } from './paste-detections';
import { rleToString } from './rle-string';

/** Detections of a detector with masks (Mask R-CNN): each box's m×m mask probabilities for its class. */
export interface MaskDetections extends Detections {
  /** n·m·m probabilities, row-major per detection, spread over its box (input pixels). */
  masks: Float32Array;
  /** m: the side of each mask (28, Mask R-CNN §3). */
  maskSize: number;
}

/** Whether detections carry masks (a Mask R-CNN's). */
export function hasMasks(d: Detections): d is MaskDetections {
  return (d as Partial<MaskDetections>).masks instanceof Float32Array;
}

/**
 * Detection k's mask as a COCO results `segmentation`: pasted into the original image through the
 * letterbox (`pasteDetectionMasks`, binarised at 0.5) and written as a compressed RLE, as
 * pycocotools' `encode` + detectron2's results writer give it.
 */
export function detectionSegmentation(dets: MaskDetections, k: number, meta: ImageMeta, inputSize: number): { size: [number, number]; counts: string } {
  const m = dets.maskSize;
  const box = dets.boxes.slice(4 * k, 4 * k + 4);
  const [rle] = pasteDetectionMasks(dets.masks.subarray(k * m * m, (k + 1) * m * m), m, box, meta, inputSize);
  return { size: [rle!.h, rle!.w], counts: rleToString(rle!) };
}
