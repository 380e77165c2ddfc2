import * as tf from '@tensorflow/tfjs-core';
import { BoxCoder, clipBoxes } from '../../boxes';
import { ROI_SMOOTH_L1_BETA } from '../../config';
import { smoothL1Loss } from '../../losses';
import type { Detections } from '../../postprocess/decode-detections';
import { batchedNms } from '../../postprocess/nms';
import type { RoiSample } from '../../roi';
import type { BoxArray } from '../../structures';
import type { BoxPredictions } from './box-head';

/** Softmax probabilities `[R, K + 1]` and class-specific deltas `[R, 4K]` of R regions, on the host. */
export interface RegionScores {
  probs: Float32Array;
  deltas: Float32Array;
}

/** Training targets of the box head for the R sampled RoIs of a batch (images concatenated). */
export interface BoxHeadTargets {
  /** R labels over K + 1 classes (0 = background, k + 1 = class k). */
  labels: Int32Array;
  /** `[R, K, 4]`: deltas of each foreground RoI to its GT, at its GT class; 0 elsewhere. */
  deltas: Float32Array;
  /** `[R, K]`: 1 at (foreground RoI, its GT class). */
  deltaWeights: Float32Array;
  numForeground: number;
}

/**
 * Box-head targets (Fast R-CNN §2.2–2.3): the label of each sampled RoI and, for the foreground
 * ones, the class-specific regression target `coder.encode(gt, roi)` (weights 10, 10, 5, 5).
 */
export function boxHeadTargets(samples: readonly RoiSample[], gtBoxes: readonly BoxArray[], numClasses: number, coder: BoxCoder): BoxHeadTargets {
  const R = samples.reduce((n, s) => n + s.count, 0);
  const K = numClasses;
  const t: BoxHeadTargets = {
    labels: new Int32Array(R),
    deltas: new Float32Array(R * K * 4),
    deltaWeights: new Float32Array(R * K),
    numForeground: 0,
  };
  let row = 0;
  samples.forEach((s, b) => {
    for (let i = 0; i < s.count; i++, row++) {
      const label = s.labels[i];
      t.labels[row] = label;
      if (label <= 0) continue;
      const g = s.matchedGt[i];
      const d = coder.encode(gtBoxes[b].subarray(4 * g, 4 * g + 4), s.boxes.subarray(4 * i, 4 * i + 4));
      const k = label - 1;
      t.deltas.set(d, (row * K + k) * 4);
      t.deltaWeights[row * K + k] = 1;
      t.numForeground += 1;
    }
  });
  return t;
}

/**
 * The box head's loss (Fast R-CNN eq. 1, normalised as detectron2): softmax cross-entropy over
 * K + 1 classes averaged over the R sampled RoIs, plus smooth-L1 (β = 1, Fast R-CNN eq. 3) of the
 * GT class's deltas on the foreground RoIs, summed and divided by R.
 */
export function boxHeadLoss(pred: BoxPredictions, t: BoxHeadTargets): { cls: tf.Scalar; box: tf.Scalar } {
  const [R, K1] = pred.classLogits.shape;
  const K = K1 - 1;
  return tf.tidy(() => {
    if (R === 0) return { cls: tf.scalar(0), box: tf.scalar(0) };
    const logProbs = tf.logSoftmax(pred.classLogits);
    const onehot = tf.oneHot(tf.tensor1d(t.labels, 'int32'), K1);
    const cls = tf.div(tf.neg(tf.sum(tf.mul(logProbs, onehot))), R) as tf.Scalar;
    const deltas = tf.reshape(pred.deltas, [R, K, 4]);
    const boxSum = smoothL1Loss(deltas, tf.tensor3d(t.deltas, [R, K, 4]), ROI_SMOOTH_L1_BETA, tf.tensor3d(t.deltaWeights, [R, K, 1]));
    return { cls, box: tf.div(boxSum, R) as tf.Scalar };
  });
}

/** Options of {@link boxHeadDetections}. */
export interface BoxInferenceOptions {
  scoreThreshold: number;
  nmsIouThreshold: number;
  maxDetections: number;
  imageSize: number;
}

/**
 * One image's detections from its RoIs' box-head outputs (Fast R-CNN §2.4, as detectron2's
 * `fast_rcnn_inference`): for every (RoI, class) with softmax probability > scoreThreshold, the
 * class's deltas decoded on the RoI and clipped to the image; empty boxes dropped; NMS per class
 * at nmsIouThreshold; the best maxDetections kept.
 *
 * @param probs - `[P, K + 1]` softmax probabilities (column 0 background).
 * @param deltas - `[P, 4K]` class-specific deltas.
 * @param rois - P RoIs, flat 4·P XYXY.
 */
export function boxHeadDetections(
  probs: Float32Array,
  deltas: Float32Array,
  rois: BoxArray,
  numClasses: number,
  coder: BoxCoder,
  options: BoxInferenceOptions,
): Detections {
  const K = numClasses;
  const P = rois.length / 4;
  const candDeltas: number[] = [];
  const candRois: number[] = [];
  const candScores: number[] = [];
  const candClasses: number[] = [];
  for (let r = 0; r < P; r++) {
    for (let k = 0; k < K; k++) {
      const p = probs[r * (K + 1) + k + 1];
      if (!(p > options.scoreThreshold)) continue;
      for (let j = 0; j < 4; j++) {
        candDeltas.push(deltas[(r * K + k) * 4 + j]);
        candRois.push(rois[4 * r + j]);
      }
      candScores.push(p);
      candClasses.push(k);
    }
  }
  const decoded = clipBoxes(coder.decode(Float32Array.from(candDeltas), Float32Array.from(candRois)), options.imageSize);
  const keepRows: number[] = [];
  for (let c = 0; c < candScores.length; c++) {
    if (decoded[4 * c + 2] > decoded[4 * c] && decoded[4 * c + 3] > decoded[4 * c + 1]) keepRows.push(c);
  }
  const boxes = new Float32Array(keepRows.length * 4);
  const scores = new Float32Array(keepRows.length);
  const classes = new Int32Array(keepRows.length);
  keepRows.forEach((c, i) => {
    boxes.set(decoded.subarray(4 * c, 4 * c + 4), 4 * i);
    scores[i] = candScores[c];
    classes[i] = candClasses[c];
  });
  const kept = batchedNms(boxes, scores, classes, options.nmsIouThreshold, options.maxDetections);
  const out: Detections = { boxes: new Float32Array(kept.length * 4), scores: new Float32Array(kept.length), classes: new Int32Array(kept.length) };
  kept.forEach((i, o) => {
    out.boxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * o);
    out.scores[o] = scores[i];
    out.classes[o] = classes[i];
  });
  return out;
}

/**
 * The box head's outputs on R regions read back to the host, `chunk` regions per pass so that the
 * memory of one pass stays bounded: `predict(start, end)` returns the predictions of regions
 * [start, end) (disposed here).
 */
export async function scoreInChunks(count: number, numClasses: number, chunk: number, predict: (start: number, end: number) => BoxPredictions): Promise<RegionScores> {
  const K = numClasses;
  const probs = new Float32Array(count * (K + 1));
  const deltas = new Float32Array(count * 4 * K);
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk);
    const out = tf.tidy(() => {
      const pred = predict(start, end);
      return [tf.softmax(pred.classLogits), pred.deltas];
    });
    try {
      const [p, d] = (await Promise.all(out.map((t) => t.data()))) as Float32Array[];
      probs.set(p, start * (K + 1));
      deltas.set(d, start * 4 * K);
    } finally {
      tf.dispose(out);
    }
  }
  return { probs, deltas };
}

/** {@link boxHeadDetections} of each image, whose regions are consecutive rows of `scores`. */
export function boxHeadDetectionsPerImage(scores: RegionScores, roisPerImage: readonly BoxArray[], numClasses: number, coder: BoxCoder, options: BoxInferenceOptions): Detections[] {
  const K = numClasses;
  let row = 0;
  return roisPerImage.map((rois) => {
    const n = rois.length / 4;
    const dets = boxHeadDetections(scores.probs.subarray(row * (K + 1), (row + n) * (K + 1)), scores.deltas.subarray(row * 4 * K, (row + n) * 4 * K), rois, K, coder, options);
    row += n;
    return dets;
  });
}
