import type { CocoEvalParams } from './coco-params';
import { DT_IGNORED, DT_TRUE_POSITIVE, type CocoImageMatches } from './coco-match';

/** A flat Float64Array with its dimensions, row-major (the last dimension varies fastest). */
export interface NdArray {
  data: Float64Array;
  dims: readonly number[];
}

/** `np.spacing(1)`: keeps precision defined (0) before the first true or false positive. */
const EPS = Number.EPSILON;

/** Value of precision and recall for settings without any non-ignored GT (pycocotools' −1). */
export const ABSENT = -1;

export interface CocoAccumulation {
  /** Precision at [T, R, K, A, M]; −1 where the (category, area) has no non-ignored GT. */
  precision: NdArray;
  /** Maximum recall at [T, K, A, M]; −1 likewise. */
  recall: NdArray;
}

/** Positions of category k by descending score, ties kept in image order (`argsort(-s, kind='mergesort')`). */
function sortCategory(from: number, to: number, score: Float64Array): Int32Array {
  const order = new Int32Array(to - from);
  for (let i = 0; i < order.length; i++) order[i] = from + i;
  return order.sort((a, b) => score[b] - score[a] || a - b);
}

/** Reused per-curve buffers: recall and precision after each counted detection. */
class Curve {
  rc = new Float64Array(1024);
  pr = new Float64Array(1024);
  ensure(n: number): void {
    if (this.rc.length < n) {
      this.rc = new Float64Array(2 * n);
      this.pr = new Float64Array(2 * n);
    }
  }
}

/**
 * pycocotools `accumulate()`: per category, area range, maxDet and IoU threshold, the
 * precision/recall curve of all images' detections sorted by score, the precision envelope,
 * and precision sampled at the recall thresholds with `np.searchsorted(rc, recThrs, 'left')`.
 *
 * Detections pycocotools marks ignored add a point equal to the previous one to its curve, so
 * leaving them out gives the same envelope at every first index `searchsorted` can return.
 */
export function accumulateCoco(matches: CocoImageMatches, params: CocoEvalParams): CocoAccumulation {
  const K = matches.categoryStart.length - 1;
  const T = params.iouThresholds.length, R = params.recallThresholds.length;
  const A = params.areaRanges.length, M = params.maxDets.length;
  const precision = new Float64Array(T * R * K * A * M).fill(ABSENT);
  const recall = new Float64Array(T * K * A * M).fill(ABSENT);
  const recThrs = Float64Array.from(params.recallThresholds);
  const curve = new Curve();
  const { score, rank, status, numPositives } = matches;

  for (let k = 0; k < K; k++) {
    const from = matches.categoryStart[k], to = matches.categoryStart[k + 1];
    const order = sortCategory(from, to, score);
    curve.ensure(order.length);
    const { rc, pr } = curve;
    for (let a = 0; a < A; a++) {
      const npig = numPositives[k * A + a];
      if (npig === 0) continue;
      for (let m = 0; m < M; m++) {
        const maxDet = params.maxDets[m];
        for (let t = 0; t < T; t++) {
          let tp = 0, fp = 0, n = 0;
          for (let i = 0; i < order.length; i++) {
            const pos = order[i];
            if (rank[pos] >= maxDet) continue;
            const s = status[(pos * A + a) * T + t];
            if (s === DT_IGNORED) continue;
            if (s === DT_TRUE_POSITIVE) tp++;
            else fp++;
            rc[n] = tp / npig;
            pr[n] = tp / (fp + tp + EPS);
            n++;
          }
          recall[((t * K + k) * A + a) * M + m] = n > 0 ? rc[n - 1] : 0;
          for (let i = n - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
          let i = 0;
          for (let r = 0; r < R; r++) {
            while (i < n && rc[i] < recThrs[r]) i++;
            // Past the last recall reached: pycocotools' IndexError leaves the zeros it started with.
            precision[(((t * R + r) * K + k) * A + a) * M + m] = i < n ? pr[i] : 0;
          }
        }
      }
    }
  }
  return { precision: { data: precision, dims: [T, R, K, A, M] }, recall: { data: recall, dims: [T, K, A, M] } };
}
