/**
 * Mask R-CNN training targets from instance bitmaps (He et al., §3: "the mask target is the
 * intersection between an RoI and its associated ground-truth mask"): the GT mask of a positive
 * RoI cropped to the RoI and resampled to m×m by RoIAlign on the bitmap (each cell the mean of
 * 2×2 bilinear samples, pixel centres at k + 0.5, no quantisation), then binarised at 0.5 — the
 * bitmask variant of detectron2's targets, and the same sampling the features get.
 */
import type { InstanceMasks } from '../structures/batch';

/** Sampling points per cell side: the paper's 4 regular points per bin (Mask R-CNN §3). */
const SAMPLES = 2;

/** Bilinear value of instance k's bitmap at input coordinate (x, y), background outside its window. */
function sampleInstance(masks: InstanceMasks, k: number, base: number, x: number, y: number): number {
  const x0 = masks.windows[4 * k]!;
  const y0 = masks.windows[4 * k + 1]!;
  const w = masks.windows[4 * k + 2]!;
  const h = masks.windows[4 * k + 3]!;
  const cx = x - 0.5 - x0;
  const cy = y - 0.5 - y0;
  const fx = Math.floor(cx);
  const fy = Math.floor(cy);
  const ax = cx - fx;
  const ay = cy - fy;
  let sum = 0;
  for (let dy = 0; dy <= 1; dy++) {
    const yy = fy + dy;
    if (yy < 0 || yy >= h) continue;
    for (let dx = 0; dx <= 1; dx++) {
      const xx = fx + dx;
      if (xx < 0 || xx >= w) continue;
      sum += (dx ? ax : 1 - ax) * (dy ? ay : 1 - ay) * masks.data[base + yy * w + xx]!;
    }
  }
  return sum;
}

/**
 * The m×m target of one RoI: instance `k` of `masks` inside `box` [x0, y0, x1, y1] (input pixels),
 * written row-major (y·m + x) as 0/1 into `out` at `offset`.
 */
export function maskTargetFromBitmap(masks: InstanceMasks, k: number, box: ArrayLike<number>, m: number, out: Float32Array, offset = 0): void {
  if (!(k >= 0 && k < masks.offsets.length)) throw new RangeError(`mask target: instance ${k} of ${masks.offsets.length}`);
  const [bx0, by0, bx1, by1] = [box[0]!, box[1]!, box[2]!, box[3]!];
  const cw = Math.max(bx1 - bx0, 1e-6) / m;
  const ch = Math.max(by1 - by0, 1e-6) / m;
  const base = masks.offsets[k]!;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let acc = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        const y = by0 + (i + (sy + 0.5) / SAMPLES) * ch;
        for (let sx = 0; sx < SAMPLES; sx++) acc += sampleInstance(masks, k, base, bx0 + (j + (sx + 0.5) / SAMPLES) * cw, y);
      }
      out[offset + i * m + j] = acc / (SAMPLES * SAMPLES) >= 0.5 ? 1 : 0;
    }
  }
}

/**
 * Targets of R positive RoIs: RoI r is `rois[4r..4r+4]` (XYXY input pixels) in image
 * `imageIndex[r]`, matched to that image's instance `gtIndex[r]`. Returns R·m·m values of 0/1,
 * row-major per RoI, ready for a `[R, m, m]` tensor.
 */
export function maskTargetsFromBitmaps(
  masks: readonly InstanceMasks[],
  rois: ArrayLike<number>,
  imageIndex: ArrayLike<number>,
  gtIndex: ArrayLike<number>,
  m: number,
): Float32Array {
  const r = gtIndex.length;
  if (rois.length !== 4 * r || imageIndex.length !== r) {
    throw new RangeError(`mask targets: ${rois.length / 4} RoIs, ${imageIndex.length} image indices, ${r} GT indices`);
  }
  const out = new Float32Array(r * m * m);
  const box = new Float64Array(4);
  for (let q = 0; q < r; q++) {
    const image = masks[imageIndex[q]!];
    if (image === undefined) throw new RangeError(`mask targets: RoI ${q} is in image ${imageIndex[q]}, there are ${masks.length}`);
    for (let c = 0; c < 4; c++) box[c] = rois[4 * q + c]!;
    maskTargetFromBitmap(image, gtIndex[q]!, box, m, out, q * m * m);
  }
  return out;
}
