import type { ImageMeta } from '@ablate/detection';

/**
 * Geometric transforms of box arrays: flat `Float32Array` of XYXY pixel boxes, 4·N, as everywhere
 * outside the training graph. Each returns a new array and leaves its input alone.
 */

/** Mirrors boxes in an image `width` wide: x ↦ width − x, so x1' = width − x2, x2' = width − x1. */
export function flipBoxesHorizontal(boxes: Float32Array, width: number): Float32Array {
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = width - boxes[i + 2]!;
    out[i + 1] = boxes[i + 1]!;
    out[i + 2] = width - boxes[i]!;
    out[i + 3] = boxes[i + 3]!;
  }
  return out;
}

/** Original → input pixels: b · scale + pad, then mirrored about the input side if `flipped`. */
export function boxesToInput(boxes: Float32Array, meta: ImageMeta, inputSize: number): Float32Array {
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = boxes[i]! * meta.scale + meta.padX;
    out[i + 1] = boxes[i + 1]! * meta.scale + meta.padY;
    out[i + 2] = boxes[i + 2]! * meta.scale + meta.padX;
    out[i + 3] = boxes[i + 3]! * meta.scale + meta.padY;
  }
  return meta.flipped ? flipBoxesHorizontal(out, inputSize) : out;
}

/**
 * Input → original pixels, the inverse of {@link boxesToInput}: un-mirror (if `flipped`),
 * then (b − pad) / scale. Maps a detector's predictions back for evaluation. Not clipped.
 */
export function boxesToOriginal(boxes: Float32Array, meta: ImageMeta, inputSize: number): Float32Array {
  const src = meta.flipped ? flipBoxesHorizontal(boxes, inputSize) : boxes;
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = (src[i]! - meta.padX) / meta.scale;
    out[i + 1] = (src[i + 1]! - meta.padY) / meta.scale;
    out[i + 2] = (src[i + 2]! - meta.padX) / meta.scale;
    out[i + 3] = (src[i + 3]! - meta.padY) / meta.scale;
  }
  return out;
}

/** Boxes with their labels, as they travel through augmentation. */
export interface LabelledBoxes {
  boxes: Float32Array;
  labels: Int32Array;
}

/** What {@link clipAndFilterBoxes} keeps, with the input position of each kept box (to carry masks along). */
export interface KeptBoxes extends LabelledBoxes {
  kept: Int32Array;
}

/**
 * Clips boxes to a `width`×`height` image and keeps those whose clipped area is at least
 * `minVisibleFraction` of their area before clipping (and positive): a box pushed mostly out
 * of the picture by a crop is dropped rather than kept as a sliver.
 */
export function clipAndFilterBoxes(input: LabelledBoxes, width: number, height: number, minVisibleFraction: number): KeptBoxes {
  const { boxes, labels } = input;
  const keptBoxes: number[] = [];
  const keptLabels: number[] = [];
  const kept: number[] = [];
  for (let k = 0; k < labels.length; k++) {
    const [x1, y1, x2, y2] = [boxes[4 * k]!, boxes[4 * k + 1]!, boxes[4 * k + 2]!, boxes[4 * k + 3]!];
    const cx1 = Math.min(Math.max(x1, 0), width);
    const cy1 = Math.min(Math.max(y1, 0), height);
    const cx2 = Math.min(Math.max(x2, 0), width);
    const cy2 = Math.min(Math.max(y2, 0), height);
    const area = (x2 - x1) * (y2 - y1);
    const visible = Math.max(0, cx2 - cx1) * Math.max(0, cy2 - cy1);
    if (visible <= 0 || visible < minVisibleFraction * area) continue;
    keptBoxes.push(cx1, cy1, cx2, cy2);
    keptLabels.push(labels[k]!);
    kept.push(k);
  }
  return { boxes: Float32Array.from(keptBoxes), labels: Int32Array.from(keptLabels), kept: Int32Array.from(kept) };
}
