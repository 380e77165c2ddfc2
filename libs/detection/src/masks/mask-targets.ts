/**
 * The two conversions between image masks and the fixed-size masks of a Mask R-CNN head
 * (He et al., "Mask R-CNN", §3: an m×m mask per RoI, m = 28 with FPN): the training target of an
 * RoI from the GT polygons, and pasting a predicted m×m mask back into the image.
 */
import { rleDecode, rleMerge } from './rle';
import { rleFromPolygon } from './rle-polygon';

/**
 * The m×m training target of an RoI: the GT polygons (pixel coordinates) mapped into the box
 * [x0, y0, x1, y1] and rasterised at m×m as COCO rasterises polygons (rleFromPolygon), merged.
 * Rasterising the polygon in the box, rather than cropping and resizing the image mask, keeps
 * the target exact (Detectron's choice). Returns m·m values of 0/1, row-major (y·m + x), as a
 * tensor [m, m] wants them.
 */
export function maskTargetFromPolygons(polygons: readonly (readonly number[])[], box: readonly number[], m: number): Float32Array {
  const [x0, y0, x1, y1] = box;
  // A degenerate box still maps to finite coordinates (Detectron2 uses the same 0.1 floor).
  const sx = m / Math.max(x1 - x0, 0.1);
  const sy = m / Math.max(y1 - y0, 0.1);
  const rles = polygons.map((poly) => {
    const mapped = poly.map((v, i) => (i % 2 === 0 ? (v - x0) * sx : (v - y0) * sy));
    return rleFromPolygon(mapped, m, m);
  });
  const columnMajor = rleDecode(rleMerge(rles));
  const out = new Float32Array(m * m);
  for (let x = 0; x < m; x++) for (let y = 0; y < m; y++) out[y * m + x] = columnMajor[x * m + y];
  return out;
}

/** Bilinear sample of a row-major m×m grid at (u, v), zero outside (grid_sample, zero padding). */
function sampleZeroPadded(mask: ArrayLike<number>, m: number, u: number, v: number): number {
  const u0 = Math.floor(u), v0 = Math.floor(v);
  const fu = u - u0, fv = v - v0;
  let sum = 0;
  for (let dv = 0; dv <= 1; dv++) {
    const y = v0 + dv;
    if (y < 0 || y >= m) continue;
    const wy = dv ? fv : 1 - fv;
    for (let du = 0; du <= 1; du++) {
      const x = u0 + du;
      if (x < 0 || x >= m) continue;
      sum += wy * (du ? fu : 1 - fu) * mask[y * m + x];
    }
  }
  return sum;
}

/**
 * Pastes an m×m mask (probabilities, row-major) predicted for the box [x0, y0, x1, y1] into an
 * h×w image: each pixel centre inside the box samples the mask bilinearly (the mask's cells
 * spread evenly over the box, zero beyond its edge, as Detectron2's paste with grid_sample) and
 * is set when the value is ≥ threshold. Returns h·w bytes, column-major as COCO (x·h + y), ready
 * for rleEncode.
 */
export function pasteMask(mask: ArrayLike<number>, m: number, box: readonly number[], h: number, w: number, threshold = 0.5): Uint8Array {
  if (mask.length !== m * m) throw new RangeError(`mask: ${mask.length} values, expected m·m = ${m * m}`);
  const [x0, y0, x1, y1] = box;
  const out = new Uint8Array(h * w);
  const bw = Math.max(x1 - x0, 1e-6), bh = Math.max(y1 - y0, 1e-6);
  const xFrom = Math.max(0, Math.floor(x0)), xTo = Math.min(w, Math.ceil(x1));
  const yFrom = Math.max(0, Math.floor(y0)), yTo = Math.min(h, Math.ceil(y1));
  for (let x = xFrom; x < xTo; x++) {
    // The pixel centre in mask cells: cell i covers [i, i + 1) of the box scaled to m, centre i + 0.5.
    const u = ((x + 0.5 - x0) / bw) * m - 0.5;
    for (let y = yFrom; y < yTo; y++) {
      const v = ((y + 0.5 - y0) / bh) * m - 0.5;
      if (sampleZeroPadded(mask, m, u, v) >= threshold) out[x * h + y] = 1;
    }
  }
  return out;
}
