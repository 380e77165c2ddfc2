/**
 * COCO mask AP (iouType 'segm') exactly as pycocotools computes it: the same matching and
 * accumulation as 'bbox' (coco-match, coco-accumulate), with mask IoU (maskApi.c `rleIou`)
 * between the RLEs `COCO.annToRLE` makes of the GT and of the detections.
 */
import { CocoSegmentationError, segmentationToRle } from '../masks/coco-segmentation';
import { rleArea, rleToBbox, type Rle } from '../masks/rle';
import { evaluateCocoTables, type CocoEvalOptions, type CocoEvalResult } from './coco-eval';
import type { CocoDataset } from './coco-format';
import { CocoInputError } from './coco-input';
import type { CocoSegmTables } from './coco-mask-iou';
import { buildCocoEvalTables, NOT_IN_GT, type CocoEvalTables } from './coco-tables';

/**
 * One entry of a segm results file: `segmentation` is an RLE `{size: [h, w], counts}` (counts a
 * compressed string, as pycocotools writes them, or a list of numbers), or polygons.
 */
export interface CocoSegmDetection {
  image_id: number;
  category_id: number;
  segmentation: unknown;
  score: number;
  /** Optional; when the first entry has one, pycocotools takes every detection's area from it. */
  bbox?: [number, number, number, number];
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function hasBox(d: { bbox?: unknown }): boolean {
  return Array.isArray(d.bbox) && d.bbox.length > 0;
}

/**
 * Checks a parsed segm results file: an array of {@link CocoSegmDetection} whose image and
 * category ids are in the GT. Throws {@link CocoInputError} naming the first bad entry. The
 * segmentations themselves are checked when they are decoded ({@link buildCocoSegmTables}).
 */
export function validateCocoSegmResults(
  value: unknown,
  source: string,
  groundTruth: Pick<CocoDataset, 'images' | 'categories'>,
): CocoSegmDetection[] {
  if (!Array.isArray(value)) throw new CocoInputError(source, '', 'expected an array of detections');
  const imageIds = new Set(groundTruth.images.map((im) => im.id));
  const categoryIds = new Set(groundTruth.categories.map((c) => c.id));
  for (let i = 0; i < value.length; i++) {
    const d = value[i] as Record<string, unknown>;
    if (typeof d !== 'object' || d === null) throw new CocoInputError(source, `[${i}]`, 'not a detection');
    for (const key of ['image_id', 'category_id'] as const) {
      if (!Number.isInteger(d[key])) throw new CocoInputError(source, `[${i}].${key}`, 'expected an integer id');
    }
    if (!isFiniteNumber(d.score)) throw new CocoInputError(source, `[${i}].score`, 'expected a finite number');
    if (d.segmentation === undefined) throw new CocoInputError(source, `[${i}].segmentation`, 'missing (iouType segm)');
    if (d.bbox !== undefined && !(Array.isArray(d.bbox) && (d.bbox.length === 0 || (d.bbox.length === 4 && d.bbox.every(isFiniteNumber))))) {
      throw new CocoInputError(source, `[${i}].bbox`, 'expected [x, y, width, height]');
    }
    if (!imageIds.has(d.image_id as number)) {
      throw new CocoInputError(source, `[${i}].image_id`, `image ${String(d.image_id)} is not in the ground truth`);
    }
    if (!categoryIds.has(d.category_id as number)) {
      throw new CocoInputError(source, `[${i}].category_id`, `category ${String(d.category_id)} is not in the ground truth`);
    }
  }
  return value as CocoSegmDetection[];
}

/** `annToRLE`: polygons at the image's size, RLE objects at their own. Errors name the entry. */
function toRle(
  segmentation: unknown,
  size: { height?: number; width?: number } | undefined,
  source: string,
  path: string,
): Rle {
  if (segmentation === undefined) throw new CocoInputError(source, path, 'missing (iouType segm)');
  const h = size?.height, w = size?.width;
  if (Array.isArray(segmentation) && !(Number.isInteger(h) && Number.isInteger(w))) {
    throw new CocoInputError(source, path, 'polygons need the image\'s integer height and width in "images"');
  }
  try {
    return segmentationToRle(segmentation, h ?? 0, w ?? 0);
  } catch (err) {
    if (err instanceof CocoSegmentationError || err instanceof RangeError) throw new CocoInputError(source, path, err.message);
    throw err;
  }
}

/**
 * Tables for iouType 'segm': the bbox tables plus every evaluated GT's and detection's RLE.
 * A detection's area is its mask's (`loadRes` with segmentations), unless the first detection
 * has a non-empty `bbox`: then pycocotools' `loadRes` takes the bbox branch and every area is
 * the box's w·h (and every detection needs a bbox), and so does this.
 */
export function buildCocoSegmTables(
  groundTruth: CocoDataset,
  detections: readonly CocoSegmDetection[],
  sources: { gt: string; dt: string } = { gt: 'ground truth', dt: 'detections' },
): CocoEvalTables {
  const images = new Map(groundTruth.images.map((im) => [im.id, im]));
  const areaFromBox = detections.length > 0 && hasBox(detections[0]);
  const dtMask = detections.map((d, i) => toRle(d.segmentation, images.get(d.image_id), sources.dt, `[${i}].segmentation`));
  const dtArea = new Float64Array(detections.length);
  const boxed = detections.map((d, i) => {
    if (areaFromBox && !hasBox(d)) throw new CocoInputError(sources.dt, `[${i}].bbox`, 'missing, but the first detection has one');
    const bbox = hasBox(d) ? (d.bbox as [number, number, number, number]) : rleToBbox(dtMask[i]);
    dtArea[i] = areaFromBox ? bbox[2] * bbox[3] : rleArea(dtMask[i]);
    return { image_id: d.image_id, category_id: d.category_id, bbox, score: d.score };
  });
  const tables = buildCocoEvalTables(groundTruth, boxed);
  const gtMask = groundTruth.annotations.map((a, i) =>
    tables.gt.image[i] === NOT_IN_GT || tables.gt.category[i] === NOT_IN_GT
      ? undefined
      : toRle(a.segmentation, images.get(a.image_id), sources.gt, `annotations[${i}].segmentation`),
  );
  const boxesOf = (masks: (Rle | undefined)[]) => {
    const out = new Float64Array(masks.length * 4);
    masks.forEach((m, i) => m && out.set(rleToBbox(m), i * 4));
    return out;
  };
  const segm: CocoSegmTables = { gtMask, gtMaskBox: boxesOf(gtMask), dtMask, dtMaskBox: boxesOf(dtMask), dtArea };
  return { ...tables, segm };
}

/**
 * Mask AP as pycocotools `COCOeval(gt, gt.loadRes(dets), 'segm')` with `evaluate();
 * accumulate(); summarize()`: GT masks from polygons (rasterised as maskApi.c `rleFrPoly` at the
 * image's height × width, one annotation's polygons merged) or RLE (uncompressed or compressed);
 * GT areas from the `area` field; crowd GT as ignore regions with IoU = intersection / detection
 * area. Throws {@link CocoInputError} naming a bad entry of `sources` (the file names, for messages).
 */
export function evaluateCocoSegm(
  groundTruth: CocoDataset,
  detections: readonly CocoSegmDetection[],
  options: CocoEvalOptions = {},
  sources: { gt: string; dt: string } = { gt: 'ground truth', dt: 'detections' },
): CocoEvalResult {
  validateCocoSegmResults(detections, sources.dt, groundTruth);
  return evaluateCocoTables(buildCocoSegmTables(groundTruth, detections, sources), options);
}
