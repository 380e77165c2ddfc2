import { accumulateCoco, type CocoAccumulation, type NdArray } from './coco-accumulate';
import type { CocoDataset, CocoDetection } from './coco-format';
import type { CocoResultsColumns } from './coco-results-reader';
import { CocoInputError } from './coco-input';
import { matchCocoImages } from './coco-match';
import { defaultCocoEvalParams, type CocoEvalParams } from './coco-params';
import { perCategoryAp, summarizeCoco, type CocoStats } from './coco-summary';
import { buildCocoEvalTables, NOT_IN_GT, type CocoEvalTables } from './coco-tables';

/** Overrides of the pycocotools defaults (see {@link CocoEvalParams}); the summary assumes the defaults. */
export type CocoEvalOptions = Partial<CocoEvalParams>;

export interface CocoCategoryAp {
  categoryId: number;
  /** Mean precision over IoU and recall thresholds (area all, maxDets 100); −1 without GT. */
  ap: number;
}

export interface CocoEvalResult {
  /** The 12 numbers of pycocotools `COCOeval.stats`, by name. */
  stats: CocoStats;
  perCategory: CocoCategoryAp[];
  /** Precision at [T, R, K, A, M] (−1 for a category/area without GT), for PR curves. */
  precision: NdArray;
  /** Maximum recall at [T, K, A, M]. */
  recall: NdArray;
  /** The category ids of the K axis (sorted), and the parameters of the other axes. */
  categoryIds: number[];
  params: CocoEvalParams;
}

/** Evaluation of prepared tables (the fast path of the CLI). */
export function evaluateCocoTables(tables: CocoEvalTables, options: CocoEvalOptions = {}): CocoEvalResult {
  const { acc, ...result } = accumulateCocoTables(tables, { ...defaultCocoEvalParams(), ...options });
  return { stats: summarizeCoco(acc, result.params), ...result };
}

/**
 * pycocotools `evaluate(); accumulate()` on prepared tables with `params` (maxDets sorted, as it
 * does): everything of a result but the summary, which depends on the iou type.
 */
export function accumulateCocoTables(tables: CocoEvalTables, params: CocoEvalParams): Omit<CocoEvalResult, 'stats'> & { acc: CocoAccumulation } {
  params = { ...params, maxDets: [...params.maxDets].sort((a, b) => a - b) };
  const acc = accumulateCoco(matchCocoImages(tables, params), params);
  const categoryIds = Array.from(tables.categoryIds);
  const ap = perCategoryAp(acc, params);
  return {
    acc,
    perCategory: categoryIds.map((categoryId, k) => ({ categoryId, ap: ap[k] })),
    precision: acc.precision,
    recall: acc.recall,
    categoryIds,
    params,
  };
}

/**
 * Bounding-box AP exactly as pycocotools `COCOeval(gt, gt.loadRes(dets), 'bbox')` with
 * `evaluate(); accumulate(); summarize()` computes it: every GT image and category (sorted),
 * detections' area = w·h and ids 1..N in array order, crowd GT as ignore regions.
 * `groundTruth` is a COCO dataset and `detections` a results list (bbox [x, y, w, h] in
 * pixels) or its columns ({@link readCocoResults}); neither is modified. An empty results list
 * scores 0 (pycocotools' `loadRes` fails on it, reading `anns[0]`). Throws {@link CocoInputError} for a detection of an image or category not in the GT.
 */
export function evaluateCoco(
  groundTruth: CocoDataset,
  detections: readonly CocoDetection[] | CocoResultsColumns,
  options: CocoEvalOptions = {},
): CocoEvalResult {
  const tables = buildCocoEvalTables(groundTruth, detections);
  for (let i = 0; i < tables.dt.count; i++) {
    if (tables.dt.image[i] === NOT_IN_GT) {
      throw new CocoInputError('detections', `[${i}].image_id`, 'image not in the ground truth');
    }
    if (tables.dt.category[i] === NOT_IN_GT) {
      throw new CocoInputError('detections', `[${i}].category_id`, 'category not in the ground truth');
    }
  }
  return evaluateCocoTables(tables, options);
}
