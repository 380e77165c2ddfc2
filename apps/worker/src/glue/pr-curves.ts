import type { CocoEvalResult } from '@ablate/detection';

/** Precision–recall curves of one category at IoU 0.5 and 0.75 (area all, the largest maxDets). */
export interface CategoryPrCurve {
  categoryId: number;
  /** Precision at each recall threshold; −1 where the category has no ground truth. */
  precisionAt50: number[];
  precisionAt75: number[];
}

export interface PrCurves {
  /** The recall thresholds of the x axis (COCO: 0, 0.01, …, 1). */
  recallThresholds: number[];
  categories: CategoryPrCurve[];
}

/**
 * Slices the PR curves a dashboard draws out of COCOeval's precision array, which is indexed
 * [T, R, K, A, M] (IoU threshold, recall threshold, category, area range, maxDets) in row-major
 * order. Returns the curves at IoU 0.5 and 0.75 for area 'all' and the last maxDets (100):
 * 2 · K · R numbers instead of T · R · K · A · M (10 · 101 · K · 4 · 3).
 */
export function prCurvesOf(coco: Pick<CocoEvalResult, 'precision' | 'categoryIds' | 'params'>): PrCurves {
  const [T, R, K, A, M] = coco.precision.dims as [number, number, number, number, number];
  const a = Math.max(0, coco.params.areaLabels.indexOf('all'));
  const m = M - 1;
  const t50 = coco.params.iouThresholds.findIndex((t) => Math.abs(t - 0.5) < 1e-9);
  const t75 = coco.params.iouThresholds.findIndex((t) => Math.abs(t - 0.75) < 1e-9);
  const at = (t: number, r: number, k: number): number => coco.precision.data[(((t * R + r) * K + k) * A + a) * M + m]!;
  const curve = (t: number, k: number): number[] => (t < 0 || t >= T ? [] : Array.from({ length: R }, (_, r) => at(t, r, k)));
  return {
    recallThresholds: [...coco.params.recallThresholds],
    categories: coco.categoryIds.map((categoryId, k) => ({ categoryId, precisionAt50: curve(t50, k), precisionAt75: curve(t75, k) })),
  };
}
