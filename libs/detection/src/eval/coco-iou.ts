/**
 * Box IoU exactly as pycocotools computes it for iouType 'bbox' (maskApi.c `bbIou`), with the
 * same floating-point operations in the same order, so IoUs equal to a threshold compare the same.
 */

/**
 * IoU of detections × GT as maskApi.c `bbIou` computes it, into out[d·G + g]: boxes
 * [x, y, w, h]; for a crowd GT the union is the detection's area alone. The best IoU of each
 * detection goes to maxOut[d]; returns the best of all.
 */
export function cocoBoxIou(
  dtBox: Float64Array,
  dtRows: ArrayLike<number>,
  dtFrom: number,
  numDt: number,
  gtBox: Float64Array,
  gtRows: ArrayLike<number>,
  gtFrom: number,
  numGt: number,
  gtCrowd: Uint8Array,
  out: Float64Array,
  maxOut: Float64Array,
): number {
  let best = 0;
  for (let d = 0; d < numDt; d++) {
    let rowBest = 0;
    const o = dtRows[dtFrom + d] * 4;
    const dx = dtBox[o], dy = dtBox[o + 1], dw = dtBox[o + 2], dh = dtBox[o + 3];
    const da = dw * dh;
    for (let g = 0; g < numGt; g++) {
      const row = gtRows[gtFrom + g];
      const q = row * 4;
      const gx = gtBox[q], gy = gtBox[q + 1], gw = gtBox[q + 2], gh = gtBox[q + 3];
      let v = 0;
      const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
      if (w > 0) {
        const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
        if (h > 0) {
          const i = w * h;
          v = i / (gtCrowd[row] ? da : da + gw * gh - i);
        }
      }
      out[d * numGt + g] = v;
      if (v > rowBest) rowBest = v;
    }
    maxOut[d] = rowBest;
    if (rowBest > best) best = rowBest;
  }
  return best;
}
