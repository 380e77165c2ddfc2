import {
  RETINANET_MAX_DETECTIONS,
  RETINANET_NMS_IOU,
  RETINANET_PRE_NMS_TOPK_PER_LEVEL,
  RETINANET_SCORE_THRESHOLD,
} from '../config';
import { BoxCoder, clipBoxes } from '../boxes';
import type { BoxArray } from '../structures';
import { batchedNms } from './nms';
import { topKAbove } from './score-order';

/** Options of {@link decodeDetections}; the defaults are RetinaNet's inference (RetinaNet §4.1 "Inference"). */
export interface DecodeOptions {
  /** Keep candidates with probability > this. @defaultValue 0.05 */
  scoreThreshold?: number;
  /** At most this many (anchor, class) candidates per pyramid level, by score. @defaultValue 1000 */
  preNmsTopK?: number;
  /** Class-wise NMS IoU threshold. @defaultValue 0.5 */
  nmsIouThreshold?: number;
  /** Detections kept per image, by score. @defaultValue 100 */
  maxDetections?: number;
  /** Whether `classOutputs` are logits (sigmoid applied here) or probabilities. @defaultValue 'logits' */
  inputs?: 'logits' | 'probabilities';
  /** Decoder of the box deltas. @defaultValue new BoxCoder() (RetinaNet weights 1, 1, 1, 1) */
  boxCoder?: BoxCoder;
}

/** Detections of one image, in descending score order. */
export interface Detections {
  /** K boxes, flat 4·K, XYXY pixels of the network input, clipped to it. */
  boxes: BoxArray;
  /** K probabilities. */
  scores: Float32Array;
  /** K class indices in [0, C). */
  classes: Int32Array;
}

/**
 * Turns one image's head outputs into detections, as RetinaNet does at inference (RetinaNet §4.1;
 * torchvision `RetinaNet.postprocess_detections`): on each level, the at most `preNmsTopK`
 * (anchor, class) pairs scoring above `scoreThreshold`; decode their anchors' deltas; clip to the
 * image; NMS per class over all levels; keep the best `maxDetections`.
 *
 * @param classOutputs - `[A, C]` flat A·C, logits (or probabilities, see `inputs`), anchor order
 *   of `generateAnchors`.
 * @param boxDeltas - `[A, 4]` flat 4·A, (t_x, t_y, t_w, t_h).
 * @param anchors - A anchors, flat 4·A, XYXY.
 * @param levelCounts - anchors per level (`AnchorSet.levelCounts`), summing to A.
 * @param imageSize - side of the square input; boxes are clipped to [0, imageSize].
 *
 * Ties in score are broken by the lower (anchor·C + class) index at every step (NMS compares the
 * float32 probabilities returned), so the output is deterministic.
 */
export function decodeDetections(
  classOutputs: Float32Array,
  boxDeltas: Float32Array,
  anchors: BoxArray,
  levelCounts: readonly number[],
  imageSize: number,
  options: DecodeOptions = {},
): Detections {
  const numAnchors = anchors.length / 4;
  const total = levelCounts.reduce((s, n) => s + n, 0);
  if (total !== numAnchors) throw new RangeError(`decodeDetections: levelCounts sum to ${total}, anchors are ${numAnchors}`);
  if (boxDeltas.length !== anchors.length) {
    throw new RangeError(`decodeDetections: boxDeltas has length ${boxDeltas.length}, expected 4·A = ${anchors.length}`);
  }
  if (numAnchors === 0 || classOutputs.length % numAnchors !== 0) {
    if (numAnchors === 0) return { boxes: new Float32Array(0), scores: new Float32Array(0), classes: new Int32Array(0) };
    throw new RangeError(`decodeDetections: classOutputs has length ${classOutputs.length}, not a multiple of A = ${numAnchors}`);
  }
  const numClasses = classOutputs.length / numAnchors;
  const scoreThreshold = options.scoreThreshold ?? RETINANET_SCORE_THRESHOLD;
  const logits = (options.inputs ?? 'logits') === 'logits';
  // Compare logits with logit(threshold): the sigmoid is monotonic, so only kept candidates need it.
  const threshold = logits ? Math.log(scoreThreshold / (1 - scoreThreshold)) : scoreThreshold;

  const { anchorIdx, classIdx, scores } = selectCandidates(
    classOutputs,
    levelCounts,
    numClasses,
    threshold,
    options.preNmsTopK ?? RETINANET_PRE_NMS_TOPK_PER_LEVEL,
  );
  // float32 scores, as returned: NMS then breaks ties on exactly the values the caller sees.
  const probs = new Float32Array(scores.length);
  for (let r = 0; r < scores.length; r++) probs[r] = logits ? 1 / (1 + Math.exp(-scores[r])) : scores[r];

  const boxes = clipBoxes((options.boxCoder ?? new BoxCoder()).decodeAt(boxDeltas, anchors, anchorIdx), imageSize);
  const keep = batchedNms(
    boxes,
    probs,
    classIdx,
    options.nmsIouThreshold ?? RETINANET_NMS_IOU,
    options.maxDetections ?? RETINANET_MAX_DETECTIONS,
  );
  const out: Detections = {
    boxes: new Float32Array(4 * keep.length),
    scores: new Float32Array(keep.length),
    classes: new Int32Array(keep.length),
  };
  keep.forEach((r, o) => {
    out.boxes.set(boxes.subarray(4 * r, 4 * r + 4), 4 * o);
    out.scores[o] = probs[r];
    out.classes[o] = classIdx[r];
  });
  return out;
}

/** The per-level top-k candidates, concatenated level by level, each level in score order. */
function selectCandidates(
  classOutputs: Float32Array,
  levelCounts: readonly number[],
  numClasses: number,
  threshold: number,
  topK: number,
): { anchorIdx: Int32Array; classIdx: Int32Array; scores: Float64Array } {
  const perLevel: Int32Array[] = [];
  let offset = 0;
  let n = 0;
  for (const count of levelCounts) {
    const local = topKAbove(classOutputs.subarray(offset * numClasses, (offset + count) * numClasses), threshold, topK);
    for (let r = 0; r < local.length; r++) local[r] += offset * numClasses; // flat index over all levels
    perLevel.push(local);
    n += local.length;
    offset += count;
  }
  const anchorIdx = new Int32Array(n);
  const classIdx = new Int32Array(n);
  const scores = new Float64Array(n);
  let r = 0;
  for (const flat of perLevel) {
    for (const f of flat) {
      anchorIdx[r] = Math.floor(f / numClasses);
      classIdx[r] = f % numClasses;
      scores[r] = classOutputs[f];
      r++;
    }
  }
  return { anchorIdx, classIdx, scores };
}
