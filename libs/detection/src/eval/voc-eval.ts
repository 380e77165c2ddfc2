import type { CocoDataset, CocoDetection } from './coco-format';
import { detectionsFromColumns, type CocoResultsColumns } from './coco-results-reader';

/** '07': 11-point interpolated AP (VOC2007); '10': area under the interpolated curve (VOC2010 and later). */
export type VocMetric = '07' | '10';

/** Pascal VOC's IoU for a true positive: at least 50 % (the lecture's "IoU at least 50%"). */
export const VOC_IOU_THRESHOLD = 0.5;

/** AP of a category without any non-difficult GT: left out of the mAP. */
export const VOC_ABSENT = -1;

/**
 * AP of one precision/recall curve (points in detection order, recall non-decreasing).
 *
 * - '07' (the lecture, VOC2007): interpolate precision so it never increases, p(r) = max precision
 *   at recall ≥ r (0 if none), then average p at the 11 recalls 0.0, 0.1, …, 1.0 (taken as i/10,
 *   the doubles nearest those values).
 * - '10': the area under that interpolated curve, from recall 0 (precision 0 is appended at
 *   recall 1 as the VOC devkit does, so recall never reached adds nothing).
 */
export function vocAp(recall: ArrayLike<number>, precision: ArrayLike<number>, metric: VocMetric = '10'): number {
  const n = recall.length;
  if (metric === '07') {
    let sum = 0;
    for (let i = 0; i <= 10; i++) {
      const level = i / 10;
      let best = 0;
      for (let j = 0; j < n; j++) if (recall[j] >= level && precision[j] > best) best = precision[j];
      sum += best;
    }
    return sum / 11;
  }
  // mrec = [0, recall..., 1], mpre = [0, precision..., 0], then the envelope from the right.
  const mrec = new Float64Array(n + 2);
  const mpre = new Float64Array(n + 2);
  for (let j = 0; j < n; j++) {
    mrec[j + 1] = recall[j];
    mpre[j + 1] = precision[j];
  }
  mrec[n + 1] = 1;
  for (let j = n; j >= 0; j--) mpre[j] = Math.max(mpre[j], mpre[j + 1]);
  let ap = 0;
  for (let j = 0; j <= n; j++) if (mrec[j + 1] !== mrec[j]) ap += (mrec[j + 1] - mrec[j]) * mpre[j + 1];
  return ap;
}

export interface VocEvalOptions {
  /** @defaultValue '10' */
  metric?: VocMetric;
  /** A detection is a true positive at IoU ≥ this. @defaultValue {@link VOC_IOU_THRESHOLD} */
  iouThreshold?: number;
}

export interface VocCategoryAp {
  categoryId: number;
  /** AP, or {@link VOC_ABSENT} without non-difficult GT. */
  ap: number;
  /** Number of non-difficult GT boxes. */
  numPositives: number;
}

export interface VocEvalResult {
  metric: VocMetric;
  iouThreshold: number;
  perCategory: VocCategoryAp[];
  /** Mean AP over the categories with GT; {@link VOC_ABSENT} if none has. */
  mAP: number;
}

/** Continuous IoU of two [x, y, w, h] boxes (no VOC "+1 pixel": COCO boxes are continuous). */
function boxIou(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

/** AP of one category: detections by descending score (stable), each matched to its best-IoU GT of the image. */
function categoryAp(
  gtByImage: Map<number, { box: number[]; ignored: boolean; taken: boolean }[]>,
  dets: readonly CocoDetection[],
  numPositives: number,
  iouThreshold: number,
  metric: VocMetric,
): number {
  const order = dets.map((_, i) => i).sort((i, j) => dets[j].score - dets[i].score || i - j);
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0, fp = 0;
  for (const i of order) {
    const d = dets[i];
    let best = -Infinity;
    let match: { ignored: boolean; taken: boolean } | undefined;
    for (const g of gtByImage.get(d.image_id) ?? []) {
      const v = boxIou(d.bbox, g.box);
      if (v > best) {
        best = v;
        match = g;
      }
    }
    if (match && best >= iouThreshold) {
      if (match.ignored) continue; // a detection of a difficult object counts neither way
      if (!match.taken) {
        match.taken = true;
        tp++;
      } else fp++; // a duplicate detection
    } else fp++;
    recall.push(tp / numPositives);
    precision.push(tp / (tp + fp));
  }
  return vocAp(recall, precision, metric);
}

/**
 * Pascal VOC detection AP per category and its mean. GT marked `difficult` (and crowd regions,
 * which VOC does not have) neither count as positives nor make a detection of them false.
 */
export function evaluateVoc(
  groundTruth: CocoDataset,
  detectionsOrColumns: readonly CocoDetection[] | CocoResultsColumns,
  options: VocEvalOptions = {},
): VocEvalResult {
  const detections = Array.isArray(detectionsOrColumns)
    ? (detectionsOrColumns as readonly CocoDetection[])
    : detectionsFromColumns(detectionsOrColumns as CocoResultsColumns);
  const metric = options.metric ?? '10';
  const iouThreshold = options.iouThreshold ?? VOC_IOU_THRESHOLD;
  const categoryIds = [...new Set(groundTruth.categories.map((c) => c.id))].sort((a, b) => a - b);
  const perCategory = categoryIds.map((categoryId) => {
    const gtByImage = new Map<number, { box: number[]; ignored: boolean; taken: boolean }[]>();
    let numPositives = 0;
    for (const a of groundTruth.annotations) {
      if (a.category_id !== categoryId) continue;
      const ignored = Boolean(a.difficult) || Boolean(a.iscrowd);
      if (!ignored) numPositives++;
      const list = gtByImage.get(a.image_id) ?? [];
      list.push({ box: a.bbox, ignored, taken: false });
      gtByImage.set(a.image_id, list);
    }
    const dets = detections.filter((d) => d.category_id === categoryId);
    const ap = numPositives === 0 ? VOC_ABSENT : categoryAp(gtByImage, dets, numPositives, iouThreshold, metric);
    return { categoryId, ap, numPositives };
  });
  const present = perCategory.filter((c) => c.ap !== VOC_ABSENT);
  const mAP = present.length === 0 ? VOC_ABSENT : present.reduce((s, c) => s + c.ap, 0) / present.length;
  return { metric, iouThreshold, perCategory, mAP };
}
