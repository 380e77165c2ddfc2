import { rleArea, rleToBbox, type Rle } from './rle';

/** maskApi.c `bbIou` of one pair of [x, y, w, h] boxes: the cheap test that skips disjoint masks. */
function boxIou(d: readonly number[], g: readonly number[], crowd: boolean): number {
  const w = Math.min(d[2] + d[0], g[2] + g[0]) - Math.max(d[0], g[0]);
  if (w <= 0) return 0;
  const h = Math.min(d[3] + d[1], g[3] + g[1]) - Math.max(d[1], g[1]);
  if (h <= 0) return 0;
  const i = w * h;
  const da = d[2] * d[3];
  return i / (crowd ? da : da + g[2] * g[3] - i);
}

/**
 * Intersection and union of two RLEs of the same size, walking both run lists together.
 * For a crowd GT the union is the detection's area, as in COCO.
 */
export function rlePairIou(dt: Rle, gt: Rle, crowd: boolean): number {
  if (dt.h !== gt.h || dt.w !== gt.w) return -1;
  const a = dt.counts, b = gt.counts;
  let ca = a[0], cb = b[0];
  let va = 0, vb = 0, ia = 1, ib = 1, inter = 0, union = 0, ct = 1;
  while (ct > 0) {
    const c = Math.min(ca, cb);
    if (va || vb) {
      union += c;
      if (va && vb) inter += c;
    }
    ct = 0;
    ca -= c;
    if (!ca && ia < a.length) {
      ca = a[ia++];
      va ^= 1;
    }
    ct += ca;
    cb -= c;
    if (!cb && ib < b.length) {
      cb = b[ib++];
      vb ^= 1;
    }
    ct += cb;
  }
  if (inter === 0) union = 1;
  else if (crowd) union = rleArea(dt);
  return inter / union;
}

/**
 * Mask IoU of detections × GT as maskApi.c `rleIou` (pycocotools `mask.iou`): out[d][g], 0 when
 * the boxes do not overlap, −1 when the two masks differ in size, for a crowd GT
 * intersection / area(detection). `iscrowd` has one flag per GT (absent: none is crowd).
 */
export function maskIou(dt: readonly Rle[], gt: readonly Rle[], iscrowd?: ArrayLike<number | boolean>): number[][] {
  const dtBoxes = dt.map(rleToBbox);
  const gtBoxes = gt.map(rleToBbox);
  return dt.map((d, i) =>
    gt.map((g, j) => {
      const crowd = Boolean(iscrowd?.[j]);
      return boxIou(dtBoxes[i], gtBoxes[j], crowd) > 0 ? rlePairIou(d, g, crowd) : 0;
    }),
  );
}
