import type { BoxArray } from '../structures';

/**
 * Conversions between the three box formats, on flat typed arrays of 4·N numbers:
 *
 * - XYXY: `(x1, y1, x2, y2)`, corners; the format of every `BoxArray` unless a name says otherwise.
 * - XYWH: `(x, y, w, h)`, top-left corner and size; the COCO `bbox` format.
 * - CXCYWH: `(cx, cy, w, h)`, centre and size; the format the box coder reasons in.
 *
 * Each function returns a new `Float32Array` of the same length; the input is not modified.
 * Widths are `x2 − x1` (continuous coordinates, no "+1" of the old pixel-index convention),
 * as in torchvision and detectron2.
 */

function checkLength(boxes: ArrayLike<number>, name: string): void {
  if (boxes.length % 4 !== 0) {
    throw new RangeError(`${name}: a box array holds 4 numbers a box, got length ${boxes.length}`);
  }
}

/** XYXY → XYWH (COCO `bbox`). */
export function xyxyToXywh(boxes: ArrayLike<number>): BoxArray {
  checkLength(boxes, 'xyxyToXywh');
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = boxes[i];
    out[i + 1] = boxes[i + 1];
    out[i + 2] = boxes[i + 2] - boxes[i];
    out[i + 3] = boxes[i + 3] - boxes[i + 1];
  }
  return out;
}

/** XYWH (COCO `bbox`) → XYXY. */
export function xywhToXyxy(boxes: ArrayLike<number>): BoxArray {
  checkLength(boxes, 'xywhToXyxy');
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = boxes[i];
    out[i + 1] = boxes[i + 1];
    out[i + 2] = boxes[i] + boxes[i + 2];
    out[i + 3] = boxes[i + 1] + boxes[i + 3];
  }
  return out;
}

/** XYXY → CXCYWH. */
export function xyxyToCxcywh(boxes: ArrayLike<number>): BoxArray {
  checkLength(boxes, 'xyxyToCxcywh');
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    const w = boxes[i + 2] - boxes[i];
    const h = boxes[i + 3] - boxes[i + 1];
    out[i] = boxes[i] + 0.5 * w;
    out[i + 1] = boxes[i + 1] + 0.5 * h;
    out[i + 2] = w;
    out[i + 3] = h;
  }
  return out;
}

/** CXCYWH → XYXY. */
export function cxcywhToXyxy(boxes: ArrayLike<number>): BoxArray {
  checkLength(boxes, 'cxcywhToXyxy');
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    const hw = 0.5 * boxes[i + 2];
    const hh = 0.5 * boxes[i + 3];
    out[i] = boxes[i] - hw;
    out[i + 1] = boxes[i + 1] - hh;
    out[i + 2] = boxes[i] + hw;
    out[i + 3] = boxes[i + 1] + hh;
  }
  return out;
}

/** XYWH → CXCYWH. */
export function xywhToCxcywh(boxes: ArrayLike<number>): BoxArray {
  checkLength(boxes, 'xywhToCxcywh');
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = boxes[i] + 0.5 * boxes[i + 2];
    out[i + 1] = boxes[i + 1] + 0.5 * boxes[i + 3];
    out[i + 2] = boxes[i + 2];
    out[i + 3] = boxes[i + 3];
  }
  return out;
}

/** CXCYWH → XYWH. */
export function cxcywhToXywh(boxes: ArrayLike<number>): BoxArray {
  checkLength(boxes, 'cxcywhToXywh');
  const out = new Float32Array(boxes.length);
  for (let i = 0; i < boxes.length; i += 4) {
    out[i] = boxes[i] - 0.5 * boxes[i + 2];
    out[i + 1] = boxes[i + 1] - 0.5 * boxes[i + 3];
    out[i + 2] = boxes[i + 2];
    out[i + 3] = boxes[i + 3];
  }
  return out;
}

/** The three box formats by name. */
export type BoxFormat = 'xyxy' | 'xywh' | 'cxcywh';

/** Converts between any two formats (a copy when `from === to`), going through XYXY. */
export function convertBoxes(boxes: ArrayLike<number>, from: BoxFormat, to: BoxFormat): BoxArray {
  if (from === to) {
    checkLength(boxes, 'convertBoxes');
    return Float32Array.from(boxes);
  }
  if (from === 'xyxy') return to === 'xywh' ? xyxyToXywh(boxes) : xyxyToCxcywh(boxes);
  if (from === 'xywh') return to === 'xyxy' ? xywhToXyxy(boxes) : xywhToCxcywh(boxes);
  return to === 'xyxy' ? cxcywhToXyxy(boxes) : cxcywhToXywh(boxes);
}
