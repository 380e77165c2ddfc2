import { cocoBoxIou } from './coco-iou';
import { cocoMaskIou } from './coco-mask-iou';
import { cocoOks } from './coco-oks';
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
 *
 * Most detections cannot match at most thresholds (no GT of their category in the image, or
 * none close enough), and then their status is fixed by their own area alone: unmatched, so a
 * false positive, or ignored when out of the area range. So a status is stored only for the
 * first `numMatchable[p]` thresholds (those at or below the best IoU of p's group); for t at or
 * above it the status is {@link unmatchedStatus}.
 */
export interface CocoImageMatches {
  /** Positions of category k are [categoryStart[k], categoryStart[k + 1]); length K + 1. */
  categoryStart: Int32Array;
  /** Score at each position (P). */
  score: Float64Array;
  /** Rank of the detection within its (image, category) by score: 0 for the best (P). */
  rank: Int32Array;
  /** Bit a set when the detection's area w·h is outside area range a (P). */
  areaOutBits: Uint8Array;
  /** Thresholds 0 .. numMatchable[p] − 1 have a stored status (P). */
  numMatchable: Uint8Array;
  /** Where p's statuses start in `status`: [a, t] at statusOffset[p] + a · numMatchable[p] + t (P). */
  statusOffset: Int32Array;
  /** {@link DT_TRUE_POSITIVE}, {@link DT_FALSE_POSITIVE} or {@link DT_IGNORED}. */
  status: Uint8Array;
  /** Number of non-ignored GT at [k, a], shape (K·A): pycocotools' `npig`. */
  numPositives: Int32Array;
}

/** Status of position p at area range a for thresholds it cannot match at. */
export function unmatchedStatus(areaOutBits: number, a: number): number {
  return (areaOutBits >> a) & 1 ? DT_IGNORED : DT_FALSE_POSITIVE;
}

/** Rows grouped by key = image · K + category, stable in file order (a counting sort). */
function groupRows(image: Int32Array, category: Int32Array, count: number, numCategories: number, numKeys: number) {
  const start = new Int32Array(numKeys + 1);
  for (let i = 0; i < count; i++) if (image[i] >= 0 && category[i] >= 0) start[image[i] * numCategories + category[i] + 1]++;
  for (let k = 0; k < numKeys; k++) start[k + 1] += start[k];
  const rows = new Int32Array(start[numKeys]);
  const fill = start.slice(0, numKeys);
  for (let i = 0; i < count; i++) {
    if (image[i] < 0 || category[i] < 0) continue;
    rows[fill[image[i] * numCategories + category[i]]++] = i;
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

/** Growable buffers, reused across groups so the loops allocate nothing per detection. */
class Scratch {
  iou = new Float64Array(1024);
  gtOrder = new Int32Array(64);
  gtIgnore = new Uint8Array(64);
  gtMatched = new Uint8Array(64);
  /** Match outcome per (threshold, detection) of the current group and area range. */
  match = new Uint8Array(1024);
  /** Per detection of the group: its area w·h and its best IoU with any GT of the group. */
  dtArea = new Float64Array(128);
  maxIou = new Float64Array(128);
  status = new Uint8Array(1 << 16);
  ensure(numDt: number, numGt: number, numMatches: number): void {
    if (this.dtArea.length < numDt) {
      this.dtArea = new Float64Array(2 * numDt);
      this.maxIou = new Float64Array(2 * numDt);
    }
    if (this.iou.length < numDt * numGt) this.iou = new Float64Array(2 * numDt * numGt);
    if (this.match.length < numMatches) this.match = new Uint8Array(2 * numMatches);
    if (this.gtOrder.length < numGt) {
      this.gtOrder = new Int32Array(2 * numGt);
      this.gtIgnore = new Uint8Array(2 * numGt);
      this.gtMatched = new Uint8Array(2 * numGt);
    }
  }
  ensureStatus(size: number): void {
    if (this.status.length >= size) return;
    const grown = new Uint8Array(Math.max(size, 2 * this.status.length));
    grown.set(this.status);
    this.status = grown;
  }
}

/**
 * pycocotools `evaluate()` for iouType 'bbox' (or 'segm' when `tables.segm` is set, 'keypoints' when `tables.keypoints` is): for every (category, image) the greedy
 * matching of score-sorted detections to GT at every area range and IoU threshold.
 */
export function matchCocoImages(tables: CocoEvalTables, params: CocoEvalParams): CocoImageMatches {
  const N = tables.imageIds.length, K = tables.categoryIds.length;
  const A = params.areaRanges.length, T = params.iouThresholds.length;
  if (A > 8) throw new RangeError('at most 8 area ranges'); // areaOutBits is a byte
  const maxDet = params.maxDets[params.maxDets.length - 1];
  const { gt, dt } = tables;
  // Grouped image-major (key = image · K + category): results files list detections image by
  // image, so a group's rows lie close together in memory.
  const gtGroups = groupRows(gt.image, gt.category, gt.count, K, N * K);
  const dtGroups = groupRows(dt.image, dt.category, dt.count, K, N * K);
  const dtRows = dtGroups.rows;

  // Positions: the detections kept (≤ maxDet per group), counted first to size the arrays.
  const categoryStart = new Int32Array(K + 1);
  for (let key = 0; key < N * K; key++) {
    categoryStart[(key % K) + 1] += Math.min(dtGroups.start[key + 1] - dtGroups.start[key], maxDet);
  }
  for (let k = 0; k < K; k++) categoryStart[k + 1] += categoryStart[k];
  const P = categoryStart[K];
  const next = categoryStart.slice(0, K); // the next free position of each category
  const out = {
    categoryStart,
    score: new Float64Array(P),
    rank: new Int32Array(P),
    areaOutBits: new Uint8Array(P),
    numMatchable: new Uint8Array(P),
    statusOffset: new Int32Array(P),
    numPositives: new Int32Array(K * A),
  };
  const ctx: GroupContext = {
    tables,
    A,
    T,
    lo: Float64Array.from(params.areaRanges, (r) => r[0]),
    hi: Float64Array.from(params.areaRanges, (r) => r[1]),
    thresholds: Float64Array.from(params.iouThresholds, (t) => Math.min(t, MAX_IOU_THRESHOLD)),
    gtRows: gtGroups.rows,
    dtRows,
    out,
    s: new Scratch(),
  };
  let statusEnd = 0;
  // One small function per step, so each is compiled once its own paths have run (a single
  // large loop body was recompiled three times on COCO val, ~80 ms of compilation).
  for (let key = 0; key < N * K; key++) {
    const g0 = gtGroups.start[key], G = gtGroups.start[key + 1] - g0;
    const d0 = dtGroups.start[key], D0 = dtGroups.start[key + 1] - d0;
    if (G === 0 && D0 === 0) continue;
    const k = key % K;
    sortByScoreDesc(dtRows, d0, d0 + D0, dt.score);
    const D = Math.min(D0, maxDet);
    const p = next[k];
    next[k] += D;
    const nm = placeDetections(ctx, g0, G, d0, D, p, statusEnd);
    if (G > 0) matchGroup(ctx, k, g0, G, D, p, nm, statusEnd);
    statusEnd += D * A * nm;
  }
  const s = ctx.s;
  return { ...out, status: s.status.slice(0, statusEnd) };
}

/** What the per-group steps of {@link matchCocoImages} share. */
interface GroupContext {
  tables: CocoEvalTables;
  A: number;
  T: number;
  lo: Float64Array;
  hi: Float64Array;
  thresholds: Float64Array;
  gtRows: Int32Array;
  dtRows: Int32Array;
  out: Omit<CocoImageMatches, 'status'>;
  s: Scratch;
}

/**
 * The group's IoUs, and its D kept detections (already sorted) written at positions p … p+D−1.
 * Returns the number of thresholds at which anything can match.
 */
function placeDetections(ctx: GroupContext, g0: number, G: number, d0: number, D: number, p: number, statusEnd: number): number {
  const { tables, A, T, lo, hi, thresholds, dtRows, out, s } = ctx;
  const { gt, dt } = tables;
  s.ensure(D, G, T * D);
  const { segm, keypoints } = tables;
  let groupMaxIou = 0;
  if (G > 0 && D > 0) {
    if (keypoints) groupMaxIou = cocoOks(keypoints, dtRows, d0, D, gt.box, gt.area, ctx.gtRows, g0, G, s.iou, s.maxIou);
    else if (segm) groupMaxIou = cocoMaskIou(segm, dtRows, d0, D, ctx.gtRows, g0, G, gt.crowd, s.iou, s.maxIou);
    else groupMaxIou = cocoBoxIou(dt.box, dtRows, d0, D, gt.box, ctx.gtRows, g0, G, gt.crowd, s.iou, s.maxIou);
  }
  // Thresholds ascend: from the first one above the group's best IoU on, nothing matches.
  let nm = 0;
  while (nm < T && G > 0 && groupMaxIou >= thresholds[nm]) nm++;
  for (let j = 0; j < D; j++) {
    const r = dtRows[d0 + j];
    // loadRes: the mask's or the keypoints' area, else w·h.
    const area = keypoints ? keypoints.dtArea[r] : segm ? segm.dtArea[r] : dt.box[r * 4 + 2] * dt.box[r * 4 + 3];
    let bits = 0;
    for (let a = 0; a < A; a++) if (isOutside(area, lo[a], hi[a])) bits |= 1 << a;
    out.score[p + j] = dt.score[r];
    out.rank[p + j] = j;
    out.areaOutBits[p + j] = bits;
    out.numMatchable[p + j] = nm;
    out.statusOffset[p + j] = statusEnd + j * A * nm;
  }
  return nm;
}

/** Counts the group's positives per area range and stores its detections' statuses at the nm matchable thresholds. */
function matchGroup(ctx: GroupContext, k: number, g0: number, G: number, D: number, p: number, nm: number, statusEnd: number): void {
  const { tables, A, lo, hi, thresholds, gtRows, out, s } = ctx;
  const { gt } = tables;
  for (let a = 0; a < A; a++) {
    out.numPositives[k * A + a] += orderGt(gtRows, g0, G, gt.ignore ?? gt.crowd, gt.area, lo[a], hi[a], s);
    if (nm === 0) continue;
    for (let t = 0; t < nm; t++) matchAtThreshold(thresholds[t], D, G, s, gtRows, g0, gt.crowd, gt.id, t * D);
    s.ensureStatus(statusEnd + D * A * nm);
    for (let j = 0; j < D; j++) {
      const areaOut = (out.areaOutBits[p + j] >> a) & 1;
      const base = statusEnd + j * A * nm + a * nm;
      for (let t = 0; t < nm; t++) s.status[base + t] = statusOf(s.match[t * D + j], areaOut === 1);
    }
  }
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
 * GT of the group in evaluation order into scratch.gtOrder (non-ignored first — neither ignored (crowd,
 * or for keypoints `num_keypoints` 0) nor outside the area range — file order kept:
 * `argsort(_ignore, kind='mergesort')`), their ignore flags into scratch.gtIgnore.
 * Returns the number of non-ignored GT.
 */
function orderGt(
  rows: Int32Array,
  g0: number,
  G: number,
  ignore: Uint8Array,
  area: Float64Array,
  lo: number,
  hi: number,
  s: Scratch,
): number {
  let n = 0;
  for (let g = 0; g < G; g++) {
    const r = rows[g0 + g];
    if (!ignore[r] && !isOutside(area[r], lo, hi)) s.gtOrder[n++] = g;
  }
  const positives = n;
  for (let g = 0; g < G; g++) {
    const r = rows[g0 + g];
    if (ignore[r] || isOutside(area[r], lo, hi)) s.gtOrder[n++] = g;
  }
  for (let i = 0; i < G; i++) s.gtIgnore[i] = i < positives ? 0 : 1;
  return positives;
}

/**
 * The greedy matching loop of pycocotools `evaluateImg` at one threshold: each detection in
 * score order takes the best-IoU GT not yet taken (crowds can be taken again), preferring any
 * non-ignored GT to an ignored one. Writes scratch.match[out + d] for the D detections.
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
  out: number,
): void {
  const { iou, gtOrder, gtIgnore, gtMatched, match, maxIou } = s;
  gtMatched.fill(0, 0, G);
  for (let d = 0; d < D; d++) {
    if (maxIou[d] < threshold) {
      match[out + d] = UNMATCHED; // no GT reaches the threshold: the scan below would find none
      continue;
    }
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
      match[out + d] = UNMATCHED;
      continue;
    }
    gtMatched[m] = 1;
    const idZero = gtId[gtRows[g0 + gtOrder[m]]] === 0;
    if (gtIgnore[m]) match[out + d] = idZero ? MATCHED_ID_ZERO_IGNORED : MATCHED_IGNORED;
    else match[out + d] = idZero ? MATCHED_ID_ZERO : MATCHED;
  }
}
