import type { CocoEvalParams } from './coco-params';
import type { CocoEvalTables } from './coco-tables';

/** Status of a detection at one (area range, IoU threshold): what `accumulate` counts. */
export const DT_FALSE_POSITIVE = 0;
export const DT_TRUE_POSITIVE = 1;
/** Matched to an ignored GT (crowd or out of the area range), or unmatched and itself out of range. */
export const DT_IGNORED = 2;

/** `min([t, 1 - 1e-10])` of pycocotools: a threshold of 1 still lets a perfect box match. */
const MAX_IOU_THRESHOLD = 1 - 1e-10;

/**
 * The per-image results of pycocotools' `evaluate()`, flattened per category. Detection
 * "positions" p run over every category in order, then every image in imgIds order, then the
 * image's detections of that category by descending score (stable) cut to maxDets[-1].
 */
export interface CocoImageMatches {
  /** Positions of category k are [categoryStart[k], categoryStart[k + 1]); length K + 1. */
  categoryStart: Int32Array;
  /** Score at each position (P). */
  score: Float64Array;
  /** Rank of the detection within its (image, category) by score: 0 for the best (P). */
  rank: Int32Array;
  /** Status ({@link DT_TRUE_POSITIVE}, ...) at [p, a, t], shape (P·A·T). */
  status: Uint8Array;
  /** Number of non-ignored GT at [k, a], shape (K·A): pycocotools' `npig`. */
  numPositives: Int32Array;
}

/** Rows grouped by key = category · N + image, stable in file order (a counting sort). */
function groupRows(image: Int32Array, category: Int32Array, count: number, numImages: number, numKeys: number) {
  const start = new Int32Array(numKeys + 1);
  for (let i = 0; i < count; i++) if (image[i] >= 0 && category[i] >= 0) start[category[i] * numImages + image[i] + 1]++;
  for (let k = 0; k < numKeys; k++) start[k + 1] += start[k];
  const rows = new Int32Array(start[numKeys]);
  const fill = start.slice(0, numKeys);
  for (let i = 0; i < count; i++) {
    if (image[i] < 0 || category[i] < 0) continue;
    rows[fill[category[i] * numImages + image[i]]++] = i;
  }
  return { start, rows };
}

/** Sorts rows[from, to) by descending score, stable (numpy's `argsort(-s, kind='mergesort')`). */
function sortByScoreDesc(rows: Int32Array, from: number, to: number, score: Float64Array): void {
  if (to - from <= 48) {
    // Insertion sort moving only past strictly lower scores: stable, and fast for small groups.
    for (let i = from + 1; i < to; i++) {
      const r = rows[i];
      const s = score[r];
      let j = i - 1;
      while (j >= from && score[rows[j]] < s) {
        rows[j + 1] = rows[j];
        j--;
      }
      rows[j + 1] = r;
    }
    return;
  }
  // Rows within a group ascend (file order), so the row breaks ties as the stable sort would.
  rows.subarray(from, to).sort((a, b) => score[b] - score[a] || a - b);
}

/** Growable scratch buffers, reused across groups so the hot loop allocates nothing. */
class Scratch {
  iou = new Float64Array(1024);
  gtOrder = new Int32Array(64);
  gtIgnore = new Uint8Array(64);
  gtMatched = new Uint8Array(64);
  /** Match outcome per detection of the current group at the current (area, threshold). */
  match = new Uint8Array(128);
  ensure(numDt: number, numGt: number): void {
    if (this.match.length < numDt) this.match = new Uint8Array(2 * numDt);
    if (this.iou.length < numDt * numGt) this.iou = new Float64Array(2 * numDt * numGt);
    if (this.gtOrder.length < numGt) {
      this.gtOrder = new Int32Array(2 * numGt);
      this.gtIgnore = new Uint8Array(2 * numGt);
      this.gtMatched = new Uint8Array(2 * numGt);
    }
  }
}

/**
 * IoU of detections × GT as maskApi.c `bbIou` computes it, into out[d·G + g]: boxes
 * [x, y, w, h]; for a crowd GT the union is the detection's area alone.
 */
export function cocoBoxIou(
  dtBox: Float64Array,
  dtRows: ArrayLike<number>,
  dtFrom: number,
  numDt: number,
  gtBox: Float64Array,
  gtRows: ArrayLike<number>,
  gtFrom: number,
  numGt: number,
  gtCrowd: Uint8Array,
  out: Float64Array,
): void {
  for (let d = 0; d < numDt; d++) {
    const o = dtRows[dtFrom + d] * 4;
    const dx = dtBox[o], dy = dtBox[o + 1], dw = dtBox[o + 2], dh = dtBox[o + 3];
    const da = dw * dh;
    for (let g = 0; g < numGt; g++) {
      const row = gtRows[gtFrom + g];
      const q = row * 4;
      const gx = gtBox[q], gy = gtBox[q + 1], gw = gtBox[q + 2], gh = gtBox[q + 3];
      let v = 0;
      const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
      if (w > 0) {
        const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
        if (h > 0) {
          const i = w * h;
          v = i / (gtCrowd[row] ? da : da + gw * gh - i);
        }
      }
      out[d * numGt + g] = v;
    }
  }
}

/**
 * pycocotools `evaluate()` for iouType 'bbox': for every (category, image) the greedy
 * matching of score-sorted detections to GT at every area range and IoU threshold.
 */
export function matchCocoImages(tables: CocoEvalTables, params: CocoEvalParams): CocoImageMatches {
  const N = tables.imageIds.length, K = tables.categoryIds.length;
  const A = params.areaRanges.length, T = params.iouThresholds.length;
  const maxDet = params.maxDets[params.maxDets.length - 1];
  const { gt, dt } = tables;
  const gtGroups = groupRows(gt.image, gt.category, gt.count, N, N * K);
  const dtGroups = groupRows(dt.image, dt.category, dt.count, N, N * K);
  const dtRows = dtGroups.rows;

  // Positions: the detections kept (≤ maxDet per group), counted first to size the arrays.
  const categoryStart = new Int32Array(K + 1);
  for (let k = 0; k < K; k++) {
    let n = 0;
    for (let i = 0; i < N; i++) n += Math.min(dtGroups.start[k * N + i + 1] - dtGroups.start[k * N + i], maxDet);
    categoryStart[k + 1] = categoryStart[k] + n;
  }
  const P = categoryStart[K];
  const score = new Float64Array(P);
  const rank = new Int32Array(P);
  const status = new Uint8Array(P * A * T);
  const numPositives = new Int32Array(K * A);
  const thresholds = Float64Array.from(params.iouThresholds, (t) => Math.min(t, MAX_IOU_THRESHOLD));
  const scratch = new Scratch();

  let p = 0;
  for (let key = 0; key < N * K; key++) {
    const k = (key / N) | 0;
    const g0 = gtGroups.start[key], G = gtGroups.start[key + 1] - g0;
    const d0 = dtGroups.start[key], D0 = dtGroups.start[key + 1] - d0;
    if (G === 0 && D0 === 0) continue;
    sortByScoreDesc(dtRows, d0, d0 + D0, dt.score);
    const D = Math.min(D0, maxDet);
    for (let j = 0; j < D; j++) {
      score[p + j] = dt.score[dtRows[d0 + j]];
      rank[p + j] = j;
    }
    scratch.ensure(D, G);
    cocoBoxIou(dt.box, dtRows, d0, D, gt.box, gtGroups.rows, g0, G, gt.crowd, scratch.iou);
    for (let a = 0; a < A; a++) {
      const [lo, hi] = params.areaRanges[a];
      numPositives[k * A + a] += orderGt(gtGroups.rows, g0, G, gt.crowd, gt.area, lo, hi, scratch);
      for (let t = 0; t < T; t++) {
        matchAtThreshold(thresholds[t], D, G, scratch, gtGroups.rows, g0, gt.crowd, gt.id);
        for (let j = 0; j < D; j++) {
          const o = dtRows[d0 + j] * 4;
          const areaOut = isOutside(dt.box[o + 2] * dt.box[o + 3], lo, hi);
          status[((p + j) * A + a) * T + t] = statusOf(scratch.match[j], areaOut);
        }
      }
    }
    p += D;
  }
  return { categoryStart, score, rank, status, numPositives };
}

/** pycocotools' area test: outside when `a < aRng[0] or a > aRng[1]` (both ends inclusive). */
function isOutside(area: number, lo: number, hi: number): boolean {
  return area < lo || area > hi;
}

/** Match outcomes in {@link Scratch.match}. */
const UNMATCHED = 0;
const MATCHED = 1;
const MATCHED_IGNORED = 2;
/** Matched a GT whose id is 0: pycocotools stores the id as the match, so 0 reads as "no match". */
const MATCHED_ID_ZERO = 3;
const MATCHED_ID_ZERO_IGNORED = 4;

function statusOf(result: number, areaOut: boolean): number {
  switch (result) {
    case MATCHED:
      return DT_TRUE_POSITIVE;
    case MATCHED_IGNORED:
    case MATCHED_ID_ZERO_IGNORED:
      return DT_IGNORED;
    default: // UNMATCHED, MATCHED_ID_ZERO: dtm == 0, ignored only when out of the area range
      return areaOut ? DT_IGNORED : DT_FALSE_POSITIVE;
  }
}

/**
 * GT of the group in evaluation order into scratch.gtOrder (non-ignored first, file order kept:
 * `argsort(_ignore, kind='mergesort')`), their ignore flags into scratch.gtIgnore.
 * Returns the number of non-ignored GT.
 */
function orderGt(
  rows: Int32Array,
  g0: number,
  G: number,
  crowd: Uint8Array,
  area: Float64Array,
  lo: number,
  hi: number,
  s: Scratch,
): number {
  let n = 0;
  for (let g = 0; g < G; g++) {
    const r = rows[g0 + g];
    if (!crowd[r] && !isOutside(area[r], lo, hi)) s.gtOrder[n++] = g;
  }
  const positives = n;
  for (let g = 0; g < G; g++) {
    const r = rows[g0 + g];
    if (crowd[r] || isOutside(area[r], lo, hi)) s.gtOrder[n++] = g;
  }
  for (let i = 0; i < G; i++) s.gtIgnore[i] = i < positives ? 0 : 1;
  return positives;
}

/**
 * The greedy matching loop of pycocotools `evaluateImg` at one threshold: each detection in
 * score order takes the best-IoU GT not yet taken (crowds can be taken again), preferring any
 * non-ignored GT to an ignored one. Writes scratch.match for the D detections.
 */
function matchAtThreshold(
  threshold: number,
  D: number,
  G: number,
  s: Scratch,
  gtRows: Int32Array,
  g0: number,
  crowd: Uint8Array,
  gtId: Float64Array,
): void {
  const { iou, gtOrder, gtIgnore, gtMatched, match } = s;
  gtMatched.fill(0, 0, G);
  for (let d = 0; d < D; d++) {
    let best = threshold;
    let m = -1;
    const rowOffset = d * G;
    for (let gi = 0; gi < G; gi++) {
      const g = gtOrder[gi];
      if (gtMatched[gi] && !crowd[gtRows[g0 + g]]) continue;
      if (m > -1 && gtIgnore[m] === 0 && gtIgnore[gi] === 1) break;
      const v = iou[rowOffset + g];
      if (v < best) continue;
      best = v;
      m = gi;
    }
    if (m === -1) {
      match[d] = UNMATCHED;
      continue;
    }
    gtMatched[m] = 1;
    const idZero = gtId[gtRows[g0 + gtOrder[m]]] === 0;
    if (gtIgnore[m]) match[d] = idZero ? MATCHED_ID_ZERO_IGNORED : MATCHED_IGNORED;
    else match[d] = idZero ? MATCHED_ID_ZERO : MATCHED;
  }
}
