import { CocoSegmentationError, rleFromString, segmentationToRle, type Rle } from '@ablate/detection';
import { DatasetError } from './dataset-error';

/**
 * Validates a COCO `segmentation` of an h×w image and returns its RLE (as pycocotools'
 * `annToRLE`: polygons rasterised and merged, RLE objects decoded). What the official API would
 * silently misread is refused here, naming the file and JSON path: polygons with an odd count of
 * numbers or fewer than 3 points, RLE objects whose size is not the image's or whose counts do not
 * cover it exactly, counts that are not non-negative integers, strings outside COCO's alphabet.
 * A list of 4-number entries is read as boxes [x, y, w, h], as `frPyObjects` does.
 */
export function segmentationOf(segmentation: unknown, height: number, width: number, file: string, entry: string): Rle {
  const fail = (reason: string, at = entry): never => {
    throw new DatasetError('invalid-segmentation', reason, file, at);
  };
  if (Array.isArray(segmentation)) {
    checkPolygons(segmentation, fail, entry);
  } else if (typeof segmentation === 'object' && segmentation !== null) {
    return rleObjectOf(segmentation as Record<string, unknown>, height, width, fail, entry);
  } else {
    fail(`expected polygons [[x0, y0, x1, y1, …], …] or an RLE {size: [h, w], counts}, got ${JSON.stringify(segmentation)}`);
  }
  try {
    return segmentationToRle(segmentation, height, width);
  } catch (err) {
    if (err instanceof CocoSegmentationError) return fail(err.reason);
    throw err;
  }
}

type Fail = (reason: string, at?: string) => never;

function checkPolygons(polys: unknown[], fail: Fail, entry: string): void {
  if (polys.length === 0) fail('empty polygon list');
  const boxes = Array.isArray(polys[0]) && polys[0].length === 4;
  polys.forEach((poly, i) => {
    const at = `${entry}[${i}]`;
    if (!Array.isArray(poly)) return fail('expected a list of numbers', at);
    const bad = poly.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) fail(`expected a finite number, got ${JSON.stringify(poly[bad])}`, `${at}[${bad}]`);
    if (boxes) {
      if (poly.length !== 4) fail(`boxes of 4 numbers mixed with a polygon of ${poly.length}`, at);
    } else if (poly.length % 2 !== 0) {
      fail(`a polygon needs x, y pairs, got ${poly.length} numbers`, at);
    } else if (poly.length < 6) {
      fail(`a polygon needs at least 3 points, got ${poly.length / 2}`, at);
    }
  });
}

function rleObjectOf(o: Record<string, unknown>, height: number, width: number, fail: Fail, entry: string): Rle {
  const size = o['size'];
  if (!(Array.isArray(size) && size.length === 2 && size.every((v) => Number.isInteger(v) && (v as number) >= 0))) {
    return fail(`RLE size must be [height, width], got ${JSON.stringify(size)}`, `${entry}.size`);
  }
  const [h, w] = size as [number, number];
  if (h !== height || w !== width) fail(`RLE size is ${h}×${w} (h×w) but the image is ${height}×${width}`, `${entry}.size`);
  const counts = o['counts'];
  let rle: Rle;
  if (typeof counts === 'string') {
    try {
      rle = rleFromString(counts, h, w);
    } catch (err) {
      return fail((err as Error).message, `${entry}.counts`);
    }
  } else if (Array.isArray(counts)) {
    const bad = counts.findIndex((c) => !(Number.isInteger(c) && (c as number) >= 0));
    if (bad >= 0) fail(`expected a non-negative integer, got ${JSON.stringify(counts[bad])}`, `${entry}.counts[${bad}]`);
    rle = { h, w, counts: Uint32Array.from(counts as number[]) };
  } else {
    return fail('RLE counts must be a string (compressed) or a list of integers', `${entry}.counts`);
  }
  let total = 0;
  for (const c of rle.counts) total += c;
  if (total !== h * w) fail(`RLE counts cover ${total} pixels, the ${h}×${w} mask has ${h * w}`, `${entry}.counts`);
  return rle;
}
