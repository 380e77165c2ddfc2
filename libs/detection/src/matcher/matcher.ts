import { RETINANET_BG_IOU, RETINANET_FG_IOU, RPN_BG_IOU, RPN_FG_IOU } from '../config';
import { packWithArea } from '../boxes';
import type { BoxArray } from '../structures';
import { BELOW_LOW_THRESHOLD, BETWEEN_THRESHOLDS } from './match-sentinels';

/** Thresholds of the anchor–ground-truth assignment. */
export interface MatcherOptions {
  /** An anchor whose best IoU is ≥ this is matched to that ground truth. */
  fgIouThreshold: number;
  /** An anchor whose best IoU is < this is background; in between it is ignored. */
  bgIouThreshold: number;
  /**
   * Also match, for each ground truth, the anchors with the highest IoU with it (ties included),
   * even below `bgIouThreshold` (Faster R-CNN §3.1.2; torchvision `allow_low_quality_matches`).
   * Such an anchor gets its own best ground truth, as in torchvision and detectron2.
   * @defaultValue false
   */
  allowLowQualityMatches?: boolean;
}

/** RetinaNet §4.1: foreground IoU ≥ 0.5, background < 0.4, in between ignored. */
export const RETINANET_MATCHER: Readonly<MatcherOptions> = {
  fgIouThreshold: RETINANET_FG_IOU,
  bgIouThreshold: RETINANET_BG_IOU,
  allowLowQualityMatches: false,
};

/** Faster R-CNN §3.1.2 (RPN): positive IoU ≥ 0.7 or a ground truth's best anchor, negative < 0.3. */
export const RPN_MATCHER: Readonly<MatcherOptions> = {
  fgIouThreshold: RPN_FG_IOU,
  bgIouThreshold: RPN_BG_IOU,
  allowLowQualityMatches: true,
};

/**
 * Assigns every anchor to a ground-truth box, to background, or to "ignore".
 *
 * @param anchors - A anchors, flat 4·A, XYXY.
 * @param gtBoxes - G ground-truth boxes, flat 4·G, XYXY (same pixel frame).
 * @param options - thresholds; {@link RETINANET_MATCHER} by default, {@link RPN_MATCHER} for an RPN.
 * @returns `Int32Array` of length A: the index in [0, G) of the matched ground truth,
 *   `BELOW_LOW_THRESHOLD` (−1, background) or `BETWEEN_THRESHOLDS` (−2, ignore).
 *   With no ground truth every anchor is background.
 *
 * Ties: an anchor equally close to two ground truths takes the lower index.
 * A ground truth that overlaps no anchor at all (best IoU 0, e.g. zero area) gets no
 * low-quality match: torchvision would otherwise match every anchor with IoU 0 to it.
 *
 * Memory: the A×G IoU matrix is never built (200k anchors × 100 GT would be 80 MB). The loop runs
 * anchor by anchor over all ground truths (their packed coordinates stay in L1), keeping each
 * anchor's best IoU and, per ground truth, its best IoU and the anchors that reach it; so the
 * extra memory is O(A + G) and every IoU is computed once.
 */
export function matchAnchors(
  anchors: BoxArray,
  gtBoxes: BoxArray,
  options: Readonly<MatcherOptions> = RETINANET_MATCHER,
): Int32Array {
  const { fgIouThreshold: fg, bgIouThreshold: bg } = options;
  if (!(bg <= fg)) {
    throw new RangeError(`matchAnchors: bgIouThreshold (${bg}) must not exceed fgIouThreshold (${fg})`);
  }
  const numAnchors = anchors.length >> 2;
  const numGt = gtBoxes.length >> 2;
  const matches = new Int32Array(numAnchors).fill(BELOW_LOW_THRESHOLD);
  if (numGt === 0 || numAnchors === 0) return matches;

  const lowQuality = options.allowLowQualityMatches === true;
  const gt = packWithArea(gtBoxes);
  const gtBest = new Float64Array(numGt); // per GT: best IoU over anchors so far
  const gtArgs: number[][] = Array.from({ length: numGt }, () => []); // anchors reaching gtBest
  const bestOf = lowQuality ? new Int32Array(numAnchors) : null; // per anchor: its best GT

  for (let i = 0; i < numAnchors; i++) {
    const k = i << 2;
    const ax1 = anchors[k];
    const ay1 = anchors[k + 1];
    const ax2 = anchors[k + 2];
    const ay2 = anchors[k + 3];
    const aw = ax2 - ax1;
    const ah = ay2 - ay1;
    const aArea = aw > 0 && ah > 0 ? aw * ah : 0;
    let best = 0;
    let bestIdx = 0;
    for (let j = 0, q = 0; j < numGt; j++, q += 5) {
      const iw = Math.min(ax2, gt[q + 2]) - Math.max(ax1, gt[q]);
      const ih = Math.min(ay2, gt[q + 3]) - Math.max(ay1, gt[q + 1]);
      if (!(iw > 0 && ih > 0)) continue;
      const inter = iw * ih;
      const v = inter / (aArea + gt[q + 4] - inter); // inter > 0, so the union is > 0
      if (v > best) {
        best = v;
        bestIdx = j;
      }
      if (lowQuality && v > 0 && v >= gtBest[j]) {
        if (v > gtBest[j]) {
          gtBest[j] = v;
          gtArgs[j].length = 0;
        }
        gtArgs[j].push(i);
      }
    }
    matches[i] = best >= fg ? bestIdx : best >= bg ? BETWEEN_THRESHOLDS : BELOW_LOW_THRESHOLD;
    if (bestOf) bestOf[i] = bestIdx;
  }
  if (bestOf) {
    for (let j = 0; j < numGt; j++) {
      for (const i of gtArgs[j]) matches[i] = bestOf[i];
    }
  }
  return matches;
}
