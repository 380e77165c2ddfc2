/**
 * Mask IoU for iouType 'segm' in the layout of {@link cocoBoxIou}: maskApi.c `rleIou` (the
 * boxes of the RLEs first, so masks whose boxes do not overlap are 0 without walking their runs).
 */
import { rlePairIou } from '../masks/mask-iou';
import type { Rle } from '../masks/rle';

/** The masks of an evaluation (iouType 'segm'), aligned with the rows of the GT and detection tables. */
export interface CocoSegmTables {
  /** RLE of each GT row; undefined for rows never evaluated (image or category not in the GT). */
  gtMask: (Rle | undefined)[];
  /** The RLEs' own boxes [x, y, w, h] (maskApi.c `rleToBbox`), shape (G·4). */
  gtMaskBox: Float64Array;
  dtMask: Rle[];
  dtMaskBox: Float64Array;
  /** The detection's area for the area ranges: as `loadRes` sets it (see `buildCocoSegmTables`). */
  dtArea: Float64Array;
}

/** maskApi.c `bbIou` > 0 for one pair: do the two boxes overlap at all. */
function boxesOverlap(a: Float64Array, i: number, b: Float64Array, j: number): boolean {
  const w = Math.min(a[i + 2] + a[i], b[j + 2] + b[j]) - Math.max(a[i], b[j]);
  if (w <= 0) return false;
  const h = Math.min(a[i + 3] + a[i + 1], b[j + 3] + b[j + 1]) - Math.max(a[i + 1], b[j + 1]);
  return h > 0;
}

/**
 * IoU of detections × GT masks into out[d·G + g]; the best of each detection into maxOut[d];
 * returns the best of all. Masks of different sizes get −1 (never a match), as rleIou.
 */
export function cocoMaskIou(
  segm: CocoSegmTables,
  dtRows: ArrayLike<number>,
  dtFrom: number,
  numDt: number,
  gtRows: ArrayLike<number>,
  gtFrom: number,
  numGt: number,
  gtCrowd: Uint8Array,
  out: Float64Array,
  maxOut: Float64Array,
): number {
  let best = 0;
  for (let d = 0; d < numDt; d++) {
    const dr = dtRows[dtFrom + d];
    let rowBest = 0;
    for (let g = 0; g < numGt; g++) {
      const gr = gtRows[gtFrom + g];
      const gm = segm.gtMask[gr];
      let v = 0;
      if (gm && boxesOverlap(segm.dtMaskBox, dr * 4, segm.gtMaskBox, gr * 4)) {
        v = rlePairIou(segm.dtMask[dr], gm, gtCrowd[gr] === 1);
      }
      out[d * numGt + g] = v;
      if (v > rowBest) rowBest = v;
    }
    maxOut[d] = rowBest;
    if (rowBest > best) best = rowBest;
  }
  return best;
}
