import type { Rle } from './rle';

/**
 * C's `(int)` of a double on x86-64: truncation toward zero; NaN and out-of-range values give
 * INT_MIN (what `cvttsd2si` returns, and so what the official C code does on a repeated vertex).
 */
function cInt(v: number): number {
  if (!(v > -2147483649 && v < 2147483648)) return -2147483648;
  return Math.trunc(v);
}

/** The boundary upsampled ×5 and traced pixel by pixel: the (u, v) points of maskApi.c. */
function traceBoundary(xy: ArrayLike<number>, k: number, scale: number): { u: number[]; v: number[] } {
  const x = new Array<number>(k + 1);
  const y = new Array<number>(k + 1);
  for (let j = 0; j < k; j++) x[j] = cInt(scale * xy[2 * j] + 0.5);
  for (let j = 0; j < k; j++) y[j] = cInt(scale * xy[2 * j + 1] + 0.5);
  x[k] = x[0];
  y[k] = y[0];
  const u: number[] = [];
  const v: number[] = [];
  for (let j = 0; j < k; j++) {
    let xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
    const dx = Math.abs(xe - xs), dy = Math.abs(ys - ye);
    // Every segment is walked from its lower end along its major axis, so a shared edge traces
    // the same points whichever way the polygon runs.
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u.push(t + xs);
        v.push(cInt(ys + s * t + 0.5));
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v.push(t + ys);
        u.push(cInt(xs + s * t + 0.5));
      }
    }
  }
  return { u, v };
}

/**
 * Rasterises a polygon [x0, y0, x1, y1, …] (pixel coordinates, COCO `segmentation` entries) into
 * an h×w RLE with the algorithm of maskApi.c `rleFrPoly`: the boundary is upsampled by 5, traced,
 * and where it crosses a pixel column's centre the pixels below are toggled; the same integer
 * rounding, so masks equal the official API's pixel for pixel.
 */
export function rleFromPolygon(poly: ArrayLike<number>, h: number, w: number): Rle {
  const scale = 5;
  const k = Math.floor(poly.length / 2);
  const { u, v } = traceBoundary(poly, k, scale);
  // Column crossings, downsampled back to pixels: a start index x·h + y per crossing.
  const starts: number[] = [];
  for (let j = 1; j < u.length; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
    xd = (xd + 0.5) / scale - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
    let yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
    yd = (yd + 0.5) / scale - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > h) yd = h;
    yd = Math.ceil(yd);
    // (uint)(x·h + y) in C: wraps modulo 2³² (never negative here: x ≥ 0, y ≥ 0).
    starts.push((xd * h + yd) >>> 0);
  }
  starts.push((h * w) >>> 0);
  starts.sort((a, b) => a - b);
  let previous = 0;
  for (let j = 0; j < starts.length; j++) {
    const t = starts[j];
    starts[j] -= previous;
    previous = t;
  }
  // Two crossings at the same pixel cancel: a zero run merges its neighbours.
  const counts: number[] = [starts[0]];
  let j = 1;
  while (j < starts.length) {
    if (starts[j] > 0) counts.push(starts[j++]);
    else {
      j++;
      if (j < starts.length) counts[counts.length - 1] += starts[j++];
    }
  }
  return { h, w, counts: Uint32Array.from(counts) };
}

/** The box [x, y, width, height] as the RLE of its polygon (maskApi.c `rleFrBbox`). */
export function rleFromBbox(bbox: readonly number[], h: number, w: number): Rle {
  const [xs, ys, bw, bh] = bbox;
  const xe = xs + bw, ye = ys + bh;
  return rleFromPolygon([xs, ys, xs, ye, xe, ye, xe, ys], h, w);
}
