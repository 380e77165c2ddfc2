/**
 * Areas of XYXY boxes: `(x2 − x1) · (y2 − y1)` for each of the N boxes of a flat 4·N array.
 * Returns a `Float32Array` of length N. A degenerate box (x2 < x1 or y2 < y1) has area 0, not a
 * negative area, so that it can never make a union smaller than either box.
 */
export function area(boxes: ArrayLike<number>): Float32Array {
  const n = boxes.length >> 2;
  const out = new Float32Array(n);
  for (let i = 0, k = 0; i < n; i++, k += 4) {
    out[i] = boxArea(boxes[k], boxes[k + 1], boxes[k + 2], boxes[k + 3]);
  }
  return out;
}

/** Area of one XYXY box; 0 when degenerate. */
export function boxArea(x1: number, y1: number, x2: number, y2: number): number {
  const w = x2 - x1;
  const h = y2 - y1;
  return w > 0 && h > 0 ? w * h : 0;
}
