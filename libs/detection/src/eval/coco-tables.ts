import type { CocoDataset, CocoDetection } from './coco-format';
import type { CocoSegmTables } from './coco-mask-iou';
import type { CocoKeypointTables } from './coco-oks';
import { columnsFromDetections, type CocoResultsColumns } from './coco-results-reader';

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
  /**
   * pycocotools' `gt['ignore']` when it is more than `iscrowd` (iouType 'keypoints': also a GT
   * with `num_keypoints` 0). Absent: the crowd flags. Crowds alone may be matched more than once.
   */
  ignore?: Uint8Array;
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
  /** Present for iouType 'segm': IoU of masks, and detection areas from them, instead of boxes. */
  segm?: CocoSegmTables;
  /** Present for iouType 'keypoints': OKS instead of IoU, and detection areas from the keypoints. */
  keypoints?: CocoKeypointTables;
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

function isColumns(d: readonly CocoDetection[] | CocoResultsColumns): d is CocoResultsColumns {
  return !Array.isArray(d);
}

/**
 * Builds the tables from parsed (and already validated) COCO objects. GT annotations whose
 * image or category is not listed are kept as {@link NOT_IN_GT} and never evaluated, as in
 * pycocotools (`getAnnIds(imgIds, catIds)` never returns them). Detections (objects, or the
 * columns of {@link readCocoResults}) must refer to listed images and categories (the readers
 * enforce it; others get {@link NOT_IN_GT}).
 */
export function buildCocoEvalTables(
  groundTruth: CocoDataset,
  detections: readonly CocoDetection[] | CocoResultsColumns,
): CocoEvalTables {
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
  const cols = isColumns(detections) ? detections : columnsFromDetections(detections);
  const dt: CocoDtTable = {
    count: cols.count,
    image: new Int32Array(cols.count),
    category: new Int32Array(cols.count),
    box: cols.box,
    score: cols.score,
  };
  for (let i = 0; i < cols.count; i++) {
    dt.image[i] = images.indexOf.get(cols.imageId[i]) ?? NOT_IN_GT;
    dt.category[i] = categories.indexOf.get(cols.categoryId[i]) ?? NOT_IN_GT;
  }
  return { imageIds: images.sorted, categoryIds: categories.sorted, gt, dt };
}
