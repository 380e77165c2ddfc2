/**
 * COCO run-length encoding of binary masks, with the semantics of the official COCO API
 * (cocoapi common/maskApi.c): a mask of H×W pixels is read in column-major order (x outer, y
 * inner, as COCO stores masks) and encoded as alternating run lengths, starting with a run of
 * zeros (which may be empty).
 */

/** A run-length encoded mask: `counts` alternate 0-runs and 1-runs and sum to h·w. */
export interface Rle {
  h: number;
  w: number;
  counts: Uint32Array;
}

/**
 * Encodes a binary mask of h·w pixels, column-major (pixel (x, y) at x·h + y); any non-zero is
 * foreground. As maskApi.c `rleEncode`, except that values other than 0 and 1 count as 1.
 */
export function rleEncode(mask: ArrayLike<number>, h: number, w: number): Rle {
  const area = h * w;
  if (mask.length !== area) throw new RangeError(`mask: ${mask.length} pixels, expected h·w = ${h}·${w} = ${area}`);
  const counts: number[] = [];
  let previous = 0;
  let run = 0;
  for (let j = 0; j < area; j++) {
    const value = mask[j] ? 1 : 0;
    if (value !== previous) {
      counts.push(run);
      run = 0;
      previous = value;
    }
    run++;
  }
  counts.push(run);
  return { h, w, counts: Uint32Array.from(counts) };
}

/** The mask of an RLE: h·w bytes of 0/1, column-major (maskApi.c `rleDecode`). */
export function rleDecode(rle: Rle): Uint8Array {
  const mask = new Uint8Array(rle.h * rle.w);
  let at = 0;
  let value = 0;
  for (const count of rle.counts) {
    if (value) mask.fill(1, at, at + count);
    at += count;
    value ^= 1;
  }
  return mask;
}

/** Foreground pixels: the sum of the 1-runs (maskApi.c `rleArea`). */
export function rleArea(rle: Rle): number {
  let area = 0;
  for (let j = 1; j < rle.counts.length; j += 2) area += rle.counts[j];
  return area;
}

/**
 * Tight box [x, y, width, height] of the foreground in pixels, [0, 0, 0, 0] when empty
 * (maskApi.c `rleToBbox`: a 1-run that wraps to another column spans the full height).
 */
export function rleToBbox(rle: Rle): [number, number, number, number] {
  const { h, w, counts } = rle;
  const m = Math.floor(counts.length / 2) * 2;
  if (m === 0) return [0, 0, 0, 0];
  let xs = w, ys = h, xe = 0, ye = 0, cc = 0, xp = 0;
  for (let j = 0; j < m; j++) {
    cc += counts[j];
    // The first pixel of a 1-run (j even), or the last of it (j odd).
    const t = cc - (j % 2);
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    xs = Math.min(xs, x);
    xe = Math.max(xe, x);
    ys = Math.min(ys, y);
    ye = Math.max(ye, y);
  }
  return [xs, ys, xe - xs + 1, ye - ys + 1];
}

/**
 * Union (or intersection) of RLEs of the same size, as maskApi.c `rleMerge`: how pycocotools
 * joins the polygons of one annotation. Sizes that differ give an empty 0×0 RLE, as there.
 */
export function rleMerge(rles: readonly Rle[], intersect = false): Rle {
  if (rles.length === 0) return { h: 0, w: 0, counts: new Uint32Array(0) };
  const { h, w } = rles[0];
  let merged = Array.from(rles[0].counts);
  for (let i = 1; i < rles.length; i++) {
    const b = rles[i];
    if (b.h !== h || b.w !== w) return { h: 0, w: 0, counts: new Uint32Array(0) };
    merged = mergeTwo(merged, b.counts, intersect);
  }
  return { h, w, counts: Uint32Array.from(merged) };
}

/** One step of rleMerge: walks both run lists together and emits a run where the result flips. */
function mergeTwo(a: ArrayLike<number>, b: ArrayLike<number>, intersect: boolean): number[] {
  const out: number[] = [];
  let ca = a[0], cb = b[0];
  let v = 0, va = 0, vb = 0, ia = 1, ib = 1, cc = 0, ct = 1;
  while (ct > 0) {
    const c = Math.min(ca, cb);
    cc += c;
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
    const vp = v;
    v = intersect ? va & vb : va | vb;
    if (v !== vp || ct === 0) {
      out.push(cc);
      cc = 0;
    }
  }
  return out;
}
