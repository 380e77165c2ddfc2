import type { CocoEvalParams } from './coco-params';
import { argsortDescending } from './score-sort';
import { DT_FALSE_POSITIVE, DT_TRUE_POSITIVE, type CocoImageMatches } from './coco-match';

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

/** Per-detection fields of one category in score order (sequential reads in the loops below). */
class SortedCategory {
  rank: Int32Array;
  numMatchable: Uint8Array;
  areaOutBits: Uint8Array;
  statusOffset: Int32Array;
  constructor(n: number) {
    this.rank = new Int32Array(n);
    this.numMatchable = new Uint8Array(n);
    this.areaOutBits = new Uint8Array(n);
    this.statusOffset = new Int32Array(n);
  }
  gather(order: Int32Array, matches: CocoImageMatches): void {
    const { rank, numMatchable, areaOutBits, statusOffset } = matches;
    for (let i = 0; i < order.length; i++) {
      const pos = order[i];
      this.rank[i] = rank[pos];
      this.numMatchable[i] = numMatchable[pos];
      this.areaOutBits[i] = areaOutBits[pos];
      this.statusOffset[i] = statusOffset[pos];
    }
  }
}

/** Per-threshold counters and curve points of one (category, area, maxDet), reused. */
class Curves {
  tp: Float64Array;
  fpDirect: Float64Array;
  /** fpFrom[t]: false positives at every threshold ≥ t (detections that match nothing from t on). */
  fpFrom: Float64Array;
  points: Int32Array;
  rc = new Float64Array(0);
  pr = new Float64Array(0);
  stride = 0;
  constructor(readonly T: number) {
    this.tp = new Float64Array(T);
    this.fpDirect = new Float64Array(T);
    this.fpFrom = new Float64Array(T + 1);
    this.points = new Int32Array(T);
  }
  reset(n: number): void {
    this.tp.fill(0);
    this.fpDirect.fill(0);
    this.fpFrom.fill(0);
    this.points.fill(0);
    if (this.stride < n) {
      this.stride = 2 * n;
      this.rc = new Float64Array(this.T * this.stride);
      this.pr = new Float64Array(this.T * this.stride);
    }
  }
}

/**
 * pycocotools `accumulate()`: per category, area range, maxDet and IoU threshold, the
 * precision/recall curve of all images' detections sorted by score, the precision envelope,
 * and precision sampled at the recall thresholds with `np.searchsorted(rc, recThrs, 'left')`.
 *
 * Only the points of true positives are kept, with the same values: an ignored detection
 * repeats the previous point, and a false positive keeps recall and lowers precision, so the
 * first index `searchsorted` returns (for recall > 0) is always a true positive's, and the
 * envelope there (the maximum precision from it on) is always reached at a true positive.
 * At recall threshold 0 the official first index may be an earlier false positive (precision
 * 0), whose envelope is the same maximum. Recall is the final tp / npig either way (0 without
 * detections, as pycocotools sets it).
 */
export function accumulateCoco(matches: CocoImageMatches, params: CocoEvalParams): CocoAccumulation {
  const K = matches.categoryStart.length - 1;
  const T = params.iouThresholds.length, R = params.recallThresholds.length;
  const A = params.areaRanges.length, M = params.maxDets.length;
  // Curves are written as rows [K, A, M] × columns [T, R] (each curve's samples contiguous),
  // then transposed in tiles to pycocotools' [T, R, K, A, M]: writing that layout directly
  // strides K·A·M·8 bytes per sample, a cache miss each (~80 ms on COCO val).
  const byCurve = new Float64Array(T * R * K * A * M).fill(ABSENT);
  const recall = new Float64Array(T * K * A * M).fill(ABSENT);
  const recThrs = Float64Array.from(params.recallThresholds);
  const curves = new Curves(T);
  const { score, status, numPositives } = matches;

  let sorted = new SortedCategory(0);
  for (let k = 0; k < K; k++) {
    // The category's detections of all images by score, ties in image order (pycocotools
    // concatenates images in imgIds order, then `argsort(-dtScores, kind='mergesort')`).
    const order = argsortDescending(score, matches.categoryStart[k], matches.categoryStart[k + 1]);
    const n = order.length;
    if (sorted.rank.length < n) sorted = new SortedCategory(2 * n);
    sorted.gather(order, matches);
    for (let a = 0; a < A; a++) {
      const npig = numPositives[k * A + a];
      if (npig === 0) continue;
      for (let m = 0; m < M; m++) {
        const maxDet = params.maxDets[m];
        countCurves(sorted, n, a, maxDet, T, status, npig, curves);
        for (let t = 0; t < T; t++) writeCurve(curves, t, npig, recThrs, byCurve, recall, [T, R, K, A, M], k, a, m);
      }
    }
  }
  const precision = transpose(byCurve, K * A * M, T * R);
  return { precision: { data: precision, dims: [T, R, K, A, M] }, recall: { data: recall, dims: [T, K, A, M] } };
}

/** The transpose of a rows × cols row-major matrix, in 32 × 32 tiles. */
function transpose(src: Float64Array, rows: number, cols: number): Float64Array {
  const dst = new Float64Array(rows * cols);
  const TILE = 32;
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) dst[c * rows + r] = src[r * cols + c];
    }
  }
  return dst;
}

/**
 * The curves of one (category, area a, maxDet) at every threshold: counts of true and false
 * positives in score order, and a curve point at each true positive.
 */
function countCurves(
  sorted: SortedCategory,
  n: number,
  a: number,
  maxDet: number,
  T: number,
  status: Uint8Array,
  npig: number,
  curves: Curves,
): void {
  curves.reset(n);
  const { tp, fpDirect, fpFrom, points, rc, pr, stride } = curves;
  const { rank, numMatchable, areaOutBits, statusOffset } = sorted;
  for (let i = 0; i < n; i++) {
    if (rank[i] >= maxDet) continue;
    const nm = numMatchable[i];
    // From threshold nm on the detection matches nothing: one count covers them all.
    if (nm < T && ((areaOutBits[i] >> a) & 1) === 0) fpFrom[nm]++;
    const base = statusOffset[i] + a * nm;
    for (let t = 0; t < nm; t++) {
      const st = status[base + t];
      if (st === DT_FALSE_POSITIVE) fpDirect[t]++;
      else if (st === DT_TRUE_POSITIVE) {
        // One more point of curve t: recall and precision after this true positive.
        let fp = fpDirect[t];
        for (let u = 0; u <= t; u++) fp += fpFrom[u];
        const tpt = ++tp[t];
        const c = t * stride + points[t]++;
        rc[c] = tpt / npig;
        pr[c] = tpt / (fp + tpt + EPS);
      }
    }
  }
}

/**
 * Recall, the precision envelope and its samples at the recall thresholds, for threshold t;
 * samples into byCurve[((k·A + a)·M + m)·T·R + t·R + r].
 */
function writeCurve(
  curves: Curves,
  t: number,
  npig: number,
  recThrs: Float64Array,
  byCurve: Float64Array,
  recall: Float64Array,
  dims: readonly [number, number, number, number, number],
  k: number,
  a: number,
  m: number,
): void {
  const [T, R, K, A, M] = dims;
  const row = (((k * A + a) * M + m) * T + t) * R;
  const c = curves.points[t];
  const o = t * curves.stride;
  const { rc, pr } = curves;
  recall[((t * K + k) * A + a) * M + m] = curves.tp[t] / npig;
  for (let i = o + c - 1; i > o; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
  let i = 0;
  for (let r = 0; r < R; r++) {
    while (i < c && rc[o + i] < recThrs[r]) i++;
    // Past the last recall reached: pycocotools' IndexError leaves the zeros it started with.
    byCurve[row + r] = i < c ? pr[o + i] : 0;
  }
}
