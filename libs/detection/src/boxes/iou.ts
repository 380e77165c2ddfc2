import type { BoxArray } from '../structures';

/**
 * Pairwise intersection over union of two sets of XYXY boxes (torchvision's `box_iou`).
 *
 * @param a - N boxes, flat 4·N, XYXY.
 * @param b - M boxes, flat 4·M, XYXY.
 * @param out - optional output of length ≥ N·M to reuse (it is overwritten).
 * @returns the N×M matrix, row-major: `iou[i·M + j]` = IoU(a_i, b_j).
 *
 * A pair whose union is 0 (two zero-area boxes) has IoU 0, not NaN. Degenerate boxes
 * (x2 < x1) count as zero-area.
 *
 * Speed: this runs for every image during matching and evaluation. The loop keeps b's
 * coordinates and areas in a Float64Array copy (M is small: it stays in L1), reads each box of a
 * once, and allocates nothing per pair; `bench/ops.ts` measures it against a nested-loop
 * version on objects (`npm run bench:ops`).
 */
export function iou(a: BoxArray, b: BoxArray, out?: Float32Array): Float32Array {
  const n = a.length >> 2;
  const m = b.length >> 2;
  const result = out ?? new Float32Array(n * m);
  if (result.length < n * m) throw new RangeError(`iou: out has length ${result.length}, needs ${n * m}`);
  // b as [x1, y1, x2, y2, area] rows in doubles, so the inner loop reads one small array.
  const bb = packWithArea(b);
  for (let i = 0; i < n; i++) {
    const k = i << 2;
    const ax1 = a[k];
    const ay1 = a[k + 1];
    const ax2 = a[k + 2];
    const ay2 = a[k + 3];
    const aw = ax2 - ax1;
    const ah = ay2 - ay1;
    const aArea = aw > 0 && ah > 0 ? aw * ah : 0;
    const row = i * m;
    for (let j = 0, q = 0; j < m; j++, q += 5) {
      // Math.min/max and one store per pair: in a side-by-side run on the bench/ops data this was
      // 1.5–2× faster than ternaries with an early `continue` per non-overlapping pair.
      const iw = Math.min(ax2, bb[q + 2]) - Math.max(ax1, bb[q]);
      const ih = Math.min(ay2, bb[q + 3]) - Math.max(ay1, bb[q + 1]);
      let v = 0;
      if (iw > 0 && ih > 0) {
        // inter > 0 makes the union ≥ inter > 0: no 0/0.
        const inter = iw * ih;
        v = inter / (aArea + bb[q + 4] - inter);
      }
      result[row + j] = v;
    }
  }
  return result;
}

/**
 * Copies XYXY boxes into rows of five doubles `[x1, y1, x2, y2, area]` (area 0 when degenerate),
 * the layout the hot loops of `iou`, the matcher and NMS read.
 */
export function packWithArea(boxes: ArrayLike<number>): Float64Array {
  const n = boxes.length >> 2;
  const out = new Float64Array(n * 5);
  for (let j = 0, k = 0, q = 0; j < n; j++, k += 4, q += 5) {
    const w = boxes[k + 2] - boxes[k];
    const h = boxes[k + 3] - boxes[k + 1];
    out[q] = boxes[k];
    out[q + 1] = boxes[k + 1];
    out[q + 2] = boxes[k + 2];
    out[q + 3] = boxes[k + 3];
    out[q + 4] = w > 0 && h > 0 ? w * h : 0;
  }
  return out;
}

/** IoU of rows `p` and `q` (row offsets, i.e. 5·index) of packed arrays `a` and `b`; 0 when the union is 0. */
export function packedIou(a: Float64Array, p: number, b: Float64Array, q: number): number {
  const iw = Math.min(a[p + 2], b[q + 2]) - Math.max(a[p], b[q]);
  const ih = Math.min(a[p + 3], b[q + 3]) - Math.max(a[p + 1], b[q + 1]);
  if (!(iw > 0 && ih > 0)) return 0;
  const inter = iw * ih;
  return inter / (a[p + 4] + b[q + 4] - inter);
}
