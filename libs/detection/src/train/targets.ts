import { BoxCoder } from '../boxes';
import { matchAnchors, RETINANET_MATCHER, type MatcherOptions } from '../matcher';
import type { BoxArray } from '../structures';

/**
 * Training targets of one batch for a dense detector with B images, A anchors and C classes,
 * flat row-major arrays ready for `tf.tensor`.
 */
export interface AnchorTargets {
  batchSize: number;
  numAnchors: number;
  numClasses: number;
  /** `[B, A, C]`: one-hot of the matched class on positives, all zeros on background and ignored anchors. */
  classTargets: Float32Array;
  /** `[B, A]`: 0 on ignored anchors (they contribute nothing to the loss), 1 elsewhere. */
  classWeights: Float32Array;
  /** `[B, A, 4]`: BoxCoder deltas from each positive anchor to its ground truth; 0 elsewhere. */
  boxTargets: Float32Array;
  /** `[B, A]`: 1 on positive anchors, 0 elsewhere. */
  boxWeights: Float32Array;
  /** Positive anchors over the whole batch (the loss normaliser, floored at 1 by the loss). */
  numPositives: number;
}

/** Options of {@link buildTargets}. */
export interface TargetOptions {
  /** @defaultValue RETINANET_MATCHER (IoU ≥ 0.5 foreground, < 0.4 background; RetinaNet §4.1) */
  matcher?: Readonly<MatcherOptions>;
  /** @defaultValue new BoxCoder() (weights 1, 1, 1, 1 as RetinaNet) */
  boxCoder?: BoxCoder;
}

/**
 * Matches every image's ground truth to the anchors (`matchAnchors`) and builds the
 * classification and box-regression targets of the batch (RetinaNet §4.1).
 *
 * @param anchors - A anchors, flat 4·A XYXY, in the head's output order.
 * @param gtBoxes - per image, flat 4·N XYXY in the same pixel frame as the anchors.
 * @param gtLabels - per image, N class indices in [0, numClasses).
 */
export function buildTargets(
  anchors: BoxArray,
  gtBoxes: readonly BoxArray[],
  gtLabels: readonly Int32Array[],
  numClasses: number,
  options: TargetOptions = {},
): AnchorTargets {
  const matcher = options.matcher ?? RETINANET_MATCHER;
  const coder = options.boxCoder ?? new BoxCoder();
  const B = gtBoxes.length;
  const A = anchors.length / 4;
  const t: AnchorTargets = {
    batchSize: B,
    numAnchors: A,
    numClasses,
    classTargets: new Float32Array(B * A * numClasses),
    classWeights: new Float32Array(B * A).fill(1),
    boxTargets: new Float32Array(B * A * 4),
    boxWeights: new Float32Array(B * A),
    numPositives: 0,
  };
  for (let b = 0; b < B; b++) {
    if (gtLabels[b].length * 4 !== gtBoxes[b].length) {
      throw new RangeError(`buildTargets: image ${b} has ${gtBoxes[b].length / 4} boxes but ${gtLabels[b].length} labels`);
    }
    fillImage(t, b, anchors, gtBoxes[b], gtLabels[b], matcher, coder);
  }
  return t;
}

function fillImage(
  t: AnchorTargets,
  b: number,
  anchors: BoxArray,
  boxes: BoxArray,
  labels: Int32Array,
  matcher: Readonly<MatcherOptions>,
  coder: BoxCoder,
): void {
  const { numAnchors: A, numClasses: C } = t;
  const matches = matchAnchors(anchors, boxes, matcher);
  const positives: number[] = [];
  for (let a = 0; a < A; a++) {
    const m = matches[a];
    if (m >= 0) positives.push(a);
    else if (m !== -1) t.classWeights[b * A + a] = 0; // BETWEEN_THRESHOLDS: ignored
  }
  // Encode the positives in one call: anchors and their matched boxes, paired by row.
  const pa = new Float32Array(positives.length * 4);
  const pg = new Float32Array(positives.length * 4);
  positives.forEach((a, r) => {
    const g = matches[a];
    pa.set(anchors.subarray(4 * a, 4 * a + 4), 4 * r);
    pg.set(boxes.subarray(4 * g, 4 * g + 4), 4 * r);
  });
  const deltas = coder.encode(pg, pa);
  positives.forEach((a, r) => {
    const label = labels[matches[a]];
    if (!(label >= 0 && label < C)) throw new RangeError(`buildTargets: image ${b} has label ${label} outside [0, ${C})`);
    const row = b * A + a;
    t.classTargets[row * C + label] = 1;
    t.boxWeights[row] = 1;
    t.boxTargets.set(deltas.subarray(4 * r, 4 * r + 4), 4 * row);
  });
  t.numPositives += positives.length;
}
