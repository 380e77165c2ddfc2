import { rleMerge, type Rle } from './rle';
import { rleFromBbox, rleFromPolygon } from './rle-polygon';
import { rleFromString } from './rle-string';

/** A COCO `segmentation` in RLE form: counts as numbers (uncompressed) or a string (compressed). */
export interface CocoRleObject {
  size: [number, number];
  counts: number[] | string;
}

/** A segmentation the COCO API accepts: polygons [[x0, y0, x1, y1, …], …] or an RLE object. */
export type CocoSegmentation = number[][] | CocoRleObject;

/** Thrown for a `segmentation` that is neither polygons nor an RLE object; names why. */
export class CocoSegmentationError extends Error {
  constructor(readonly reason: string) {
    super(`segmentation: ${reason}`);
    this.name = 'CocoSegmentationError';
  }
}

function isRleObject(value: unknown): value is CocoRleObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  return (
    Array.isArray(o.size) &&
    o.size.length === 2 &&
    o.size.every((v) => Number.isInteger(v) && (v as number) >= 0) &&
    (typeof o.counts === 'string' || (Array.isArray(o.counts) && o.counts.every((c) => Number.isInteger(c) && (c as number) >= 0)))
  );
}

/**
 * The RLE of a COCO segmentation as pycocotools `COCO.annToRLE` makes it: polygons are
 * rasterised at the image's h×w and merged (union); an RLE object keeps its own `size`. As
 * `frPyObjects`, a polygon list whose first entry has 4 numbers is read as boxes [x, y, w, h].
 */
export function segmentationToRle(segmentation: unknown, h: number, w: number): Rle {
  if (Array.isArray(segmentation)) {
    if (segmentation.length === 0) throw new CocoSegmentationError('empty polygon list');
    for (const poly of segmentation) {
      if (!Array.isArray(poly) || !poly.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new CocoSegmentationError('a polygon is not a list of finite numbers');
      }
    }
    const polys = segmentation as number[][];
    const first = polys[0].length;
    if (first < 4) throw new CocoSegmentationError(`a polygon has ${first} numbers, fewer than 3 points`);
    if (first === 4) {
      if (polys.some((p) => p.length !== 4)) throw new CocoSegmentationError('boxes of 4 numbers mixed with polygons');
      return rleMerge(polys.map((box) => rleFromBbox(box, h, w)));
    }
    return rleMerge(polys.map((poly) => rleFromPolygon(poly, h, w)));
  }
  if (isRleObject(segmentation)) {
    const [rh, rw] = segmentation.size;
    if (typeof segmentation.counts === 'string') return rleFromString(segmentation.counts, rh, rw);
    return { h: rh, w: rw, counts: Uint32Array.from(segmentation.counts) };
  }
  throw new CocoSegmentationError('neither a list of polygons nor {size: [h, w], counts}');
}
