import type { ImageAnnotations } from '@ablate/contract';

/** What a confusion matrix counts: rows are the true class (or "background"), columns the predicted one (or "missed"). */
export interface Confusion {
  classes: number[];
  /** counts[t][p]: t and p index `classes`, with one more index for background (row) and missed (column). */
  counts: number[][];
}

function iou(a: readonly number[], b: readonly number[]): number {
  const x1 = Math.max(a[0]!, b[0]!);
  const y1 = Math.max(a[1]!, b[1]!);
  const x2 = Math.min(a[0]! + a[2]!, b[0]! + b[2]!);
  const y2 = Math.min(a[1]! + a[3]!, b[1]! + b[3]!);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a[2]! * a[3]! + b[2]! * b[3]! - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * The detection confusion matrix of mmdetection's analysis tools: per image, detections with a
 * score ≥ `threshold`, highest first, each matched to the unmatched ground truth it overlaps most
 * (IoU ≥ `iouThreshold`, any class, crowd regions excluded); a match counts (true class, predicted
 * class), an unmatched detection (background, predicted), an unmatched ground truth (true, missed).
 */
export function confusionMatrix(images: ImageAnnotations[], classes: number[], threshold = 0.3, iouThreshold = 0.5): Confusion {
  const index = new Map(classes.map((c, i) => [c, i]));
  const n = classes.length;
  const counts = Array.from({ length: n + 1 }, () => new Array<number>(n + 1).fill(0));
  for (const image of images) {
    const truth = image.groundTruth.filter((g) => g.iscrowd === 0);
    const taken = new Array<boolean>(truth.length).fill(false);
    const detections = image.detections.filter((d) => d.score >= threshold).sort((a, b) => b.score - a.score);
    for (const d of detections) {
      let best = -1;
      let bestIou = iouThreshold;
      truth.forEach((g, j) => {
        const o = taken[j] ? -1 : iou(g.bbox, d.bbox);
        if (o >= bestIou) [best, bestIou] = [j, o];
      });
      const p = index.get(d.category_id) ?? n;
      if (best < 0) counts[n]![p]!++;
      else {
        taken[best] = true;
        counts[index.get(truth[best]!.category_id) ?? n]![p]!++;
      }
    }
    truth.forEach((g, j) => {
      if (!taken[j]) counts[index.get(g.category_id) ?? n]![n]!++;
    });
  }
  return { classes, counts };
}
