import type { CocoDataset, CocoDetection } from './coco-format';

/** Sentinel index of an annotation whose image or category is not in the GT lists (skipped, as pycocotools does). */
export const NOT_IN_GT = -1;

/** Ground-truth boxes as columns. Rows in file order. */
export interface CocoGtTable {
  count: number;
  /** Index into {@link CocoEvalTables.imageIds}, or {@link NOT_IN_GT}. */
  image: Int32Array;
  /** Index into {@link CocoEvalTables.categoryIds}, or {@link NOT_IN_GT}. */
  category: Int32Array;
  /** [x, y, w, h] per row, shape (count·4). */
  box: Float64Array;
  /** The `area` field (not recomputed from the box). */
  area: Float64Array;
  /** 1 for `iscrowd`. */
  crowd: Uint8Array;
  /** The annotation `id` (an id of 0 matters: pycocotools then counts the match as a miss). */
  id: Float64Array;
}

/** Detections as columns. Rows in file order; the id of row i is i + 1 (pycocotools `loadRes`). */
export interface CocoDtTable {
  count: number;
  image: Int32Array;
  category: Int32Array;
  /** [x, y, w, h] per row, shape (count·4); the area is w·h as `loadRes` sets it. */
  box: Float64Array;
  score: Float64Array;
}

/** Everything COCO evaluation reads, in typed arrays. */
export interface CocoEvalTables {
  /** The evaluated image ids: every GT image id, sorted ascending, unique (N). */
  imageIds: Float64Array;
  /** The evaluated category ids: every GT category id, sorted ascending, unique (K). */
  categoryIds: Float64Array;
  gt: CocoGtTable;
  dt: CocoDtTable;
}

/** Sorted unique ids and the map from id to its position. */
export function indexIds(ids: Iterable<number>): { sorted: Float64Array; indexOf: Map<number, number> } {
  const sorted = Float64Array.from(new Set(ids)).sort();
  const indexOf = new Map<number, number>();
  for (let i = 0; i < sorted.length; i++) indexOf.set(sorted[i], i);
  return { sorted, indexOf };
}

export function allocateGtTable(count: number): CocoGtTable {
  return {
    count,
    image: new Int32Array(count),
    category: new Int32Array(count),
    box: new Float64Array(count * 4),
    area: new Float64Array(count),
    crowd: new Uint8Array(count),
    id: new Float64Array(count),
  };
}

export function allocateDtTable(count: number): CocoDtTable {
  return {
    count,
    image: new Int32Array(count),
    category: new Int32Array(count),
    box: new Float64Array(count * 4),
    score: new Float64Array(count),
  };
}

/**
 * Builds the tables from parsed (and already validated) COCO objects. GT annotations whose
 * image or category is not listed are kept as {@link NOT_IN_GT} and never evaluated, as in
 * pycocotools (`getAnnIds(imgIds, catIds)` never returns them). Detections must refer to
 * listed images and categories (the validator enforces it).
 */
export function buildCocoEvalTables(groundTruth: CocoDataset, detections: readonly CocoDetection[]): CocoEvalTables {
  const images = indexIds(groundTruth.images.map((im) => im.id));
  const categories = indexIds(groundTruth.categories.map((c) => c.id));
  const anns = groundTruth.annotations;
  const gt = allocateGtTable(anns.length);
  for (let i = 0; i < anns.length; i++) {
    const a = anns[i];
    gt.image[i] = images.indexOf.get(a.image_id) ?? NOT_IN_GT;
    gt.category[i] = categories.indexOf.get(a.category_id) ?? NOT_IN_GT;
    gt.box.set(a.bbox, i * 4);
    gt.area[i] = a.area;
    gt.crowd[i] = a.iscrowd ? 1 : 0;
    gt.id[i] = a.id;
  }
  const dt = allocateDtTable(detections.length);
  for (let i = 0; i < detections.length; i++) {
    const d = detections[i];
    dt.image[i] = images.indexOf.get(d.image_id) ?? NOT_IN_GT;
    dt.category[i] = categories.indexOf.get(d.category_id) ?? NOT_IN_GT;
    dt.box.set(d.bbox, i * 4);
    dt.score[i] = d.score;
  }
  return { imageIds: images.sorted, categoryIds: categories.sorted, gt, dt };
}
