import { iou } from '../boxes/iou';

/**
 * Up to `batchSize` of the candidates, at most ⌊batchSize · positiveFraction⌋ positives and the
 * rest negatives, each chosen uniformly without replacement (a partial Fisher–Yates shuffle).
 * Fewer positives than the quota leave their places to negatives. Used for the RoIs of the box
 * head (Fast R-CNN: 25 % foreground) and the anchors of the RPN (Faster R-CNN: 256 anchors,
 * positives and negatives up to 1:1, i.e. positiveFraction 0.5).
 */
export function sampleBalanced(
  positives: readonly number[],
  negatives: readonly number[],
  batchSize: number,
  positiveFraction: number,
  random: () => number = Math.random,
): { positives: number[]; negatives: number[] } {
  const numPositive = Math.min(positives.length, Math.floor(batchSize * positiveFraction));
  const numNegative = Math.min(negatives.length, batchSize - numPositive);
  return { positives: pick(positives, numPositive, random), negatives: pick(negatives, numNegative, random) };
}

/** k of the items uniformly without replacement, in the order drawn. */
function pick(items: readonly number[], k: number, random: () => number): number[] {
  const pool = items.slice();
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}

export interface RoiSamplingOptions {
  /** RoIs per image; 512 in the issue (Detectron's default), 64 in Fast R-CNN (§2.3). Default 512. */
  batchSize?: number;
  /** Fraction of foreground RoIs: 25 % (Fast R-CNN §2.3). Default 0.25. */
  positiveFraction?: number;
  /** Foreground at IoU ≥ this with a GT (Fast R-CNN §2.3). Default 0.5. */
  foregroundIou?: number;
  /**
   * Background when the best IoU is in [lo, hi): [0, 0.5) by default; Fast R-CNN's hard
   * examples are [0.1, 0.5) (§2.3).
   */
  backgroundIou?: readonly [number, number];
  /** Add the GT boxes to the proposals, so that early in training there are foreground RoIs. Default true. */
  appendGroundTruth?: boolean;
  /** A source of uniform [0, 1) numbers, for reproducible sampling. Default Math.random. */
  random?: () => number;
}

/** The sampled RoIs of one image, foreground first. */
export interface RoiSample {
  count: number;
  /** XYXY in input pixels, flat (count·4). */
  boxes: Float32Array;
  /** Class of each RoI for a softmax over K + 1 classes: GT label + 1, or 0 for background. */
  labels: Int32Array;
  /** Index of the matched GT (the best IoU) for foreground, −1 for background. */
  matchedGt: Int32Array;
  /** Best IoU of each RoI with any GT. */
  maxIou: Float32Array;
}

/**
 * Samples the training RoIs of the box head for one image (Fast R-CNN §2.3): proposals (flat
 * XYXY, 4·P) are labelled by their best-IoU GT (flat XYXY, 4·G, labels 0..K−1), foreground at
 * IoU ≥ 0.5, background in [0, 0.5); then {@link sampleBalanced} keeps `batchSize` of them with
 * 25 % foreground. Proposals in neither range are never sampled.
 */
export function sampleRois(
  proposals: ArrayLike<number>,
  gtBoxes: ArrayLike<number>,
  gtLabels: ArrayLike<number>,
  options: RoiSamplingOptions = {},
): RoiSample {
  const {
    batchSize = 512,
    positiveFraction = 0.25,
    foregroundIou = 0.5,
    backgroundIou = [0, 0.5],
    appendGroundTruth = true,
    random = Math.random,
  } = options;
  const numGt = gtBoxes.length / 4;
  if (gtLabels.length !== numGt) throw new RangeError(`gtLabels: length ${gtLabels.length}, expected one per GT box (${numGt})`);
  const candidates = new Float32Array(proposals.length + (appendGroundTruth ? gtBoxes.length : 0));
  candidates.set(Array.from(proposals));
  if (appendGroundTruth) candidates.set(Array.from(gtBoxes), proposals.length);
  const numCandidates = candidates.length / 4;
  const overlaps = numGt > 0 ? iou(candidates, Float32Array.from(gtBoxes)) : new Float32Array(0);
  const best = new Float32Array(numCandidates);
  const bestGt = new Int32Array(numCandidates).fill(-1);
  const positives: number[] = [];
  const negatives: number[] = [];
  for (let i = 0; i < numCandidates; i++) {
    for (let g = 0; g < numGt; g++) {
      const v = overlaps[i * numGt + g];
      if (v > best[i]) {
        best[i] = v;
        bestGt[i] = g;
      }
    }
    if (numGt > 0 && best[i] >= foregroundIou) positives.push(i);
    else if (best[i] >= backgroundIou[0] && best[i] < backgroundIou[1]) negatives.push(i);
  }
  const chosen = sampleBalanced(positives, negatives, batchSize, positiveFraction, random);
  const rows = [...chosen.positives, ...chosen.negatives];
  const out: RoiSample = {
    count: rows.length,
    boxes: new Float32Array(rows.length * 4),
    labels: new Int32Array(rows.length),
    matchedGt: new Int32Array(rows.length).fill(-1),
    maxIou: new Float32Array(rows.length),
  };
  rows.forEach((r, k) => {
    out.boxes.set(candidates.subarray(r * 4, r * 4 + 4), k * 4);
    out.maxIou[k] = best[r];
    if (k < chosen.positives.length) {
      out.labels[k] = gtLabels[bestGt[r]] + 1;
      out.matchedGt[k] = bestGt[r];
    }
  });
  return out;
}
