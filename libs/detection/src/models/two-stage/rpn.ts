import * as tf from '@tensorflow/tfjs-core';
import { BoxCoder, clipBoxes } from '../../boxes';
import { RPN_INIT_STD, RPN_SMOOTH_L1_BETA } from '../../config';
import { stableSoftplus, smoothL1Loss } from '../../losses';
import { matchAnchors, RPN_MATCHER } from '../../matcher';
import { Conv2d, normal, type Scope } from '../../nn';
import { topKAbove } from '../../postprocess/score-order';
import { sampleBalanced } from '../../roi';
import type { BoxArray } from '../../structures';
import { gridBatchedNms } from './proposal-nms';

/** Options of {@link RpnHead}. */
export interface RpnHeadOptions {
  /** Channels of the feature map(s) the head reads (shared across FPN levels). */
  inChannels: number;
  /** Anchors per position A. */
  numAnchors: number;
}

/** The RPN's dense outputs over all levels, in anchor order (level, y, x, a). */
export interface RpnOutputs {
  /** `[B, N]` objectness logits (one sigmoid per anchor: Faster R-CNN's "A" variant, §3.1). */
  objectness: tf.Tensor2D;
  /** `[B, N, 4]` deltas to the anchors (BoxCoder weights 1, 1, 1, 1). */
  deltas: tf.Tensor3D;
}

/**
 * The region proposal network head (Faster R-CNN §3.1, Fig. 3): a 3×3 convolution with ReLU, then
 * sibling 1×1 convolutions for A objectness logits and 4A box deltas at every position; the same
 * weights on every FPN level (FPN §4.1). Initialised from N(0, 0.01²), biases 0 (Faster R-CNN §3.1.3).
 *
 * Variables: `conv`, `objectness`, `deltas` (each `weight`, `bias`).
 */
export class RpnHead {
  private readonly conv: Conv2d;
  private readonly objectness: Conv2d;
  private readonly deltas: Conv2d;
  readonly numAnchors: number;

  constructor(scope: Scope, options: RpnHeadOptions) {
    const { inChannels: c, numAnchors: a } = options;
    this.numAnchors = a;
    const init = normal(RPN_INIT_STD);
    this.conv = new Conv2d(scope.child('conv'), { inChannels: c, outChannels: c, kernelSize: 3, init });
    this.objectness = new Conv2d(scope.child('objectness'), { inChannels: c, outChannels: a, kernelSize: 1, init });
    this.deltas = new Conv2d(scope.child('deltas'), { inChannels: c, outChannels: 4 * a, kernelSize: 1, init });
  }

  /** Feature maps in level order → outputs concatenated over the levels in that order. */
  apply(features: readonly tf.Tensor4D[]): RpnOutputs {
    return tf.tidy(() => {
      const objs: tf.Tensor2D[] = [];
      const dels: tf.Tensor3D[] = [];
      for (const f of features) {
        const b = f.shape[0];
        const h = this.conv.apply(f, 'relu');
        // [B, H, W, A] → [B, H·W·A]: row (y·W + x)·A + a, the anchor generator's order.
        objs.push(tf.reshape(this.objectness.apply(h), [b, -1]));
        dels.push(tf.reshape(this.deltas.apply(h), [b, -1, 4]));
      }
      return {
        objectness: (objs.length === 1 ? objs[0] : tf.concat(objs, 1)) as tf.Tensor2D,
        deltas: (dels.length === 1 ? dels[0] : tf.concat(dels, 1)) as tf.Tensor3D,
      };
    }) as unknown as RpnOutputs;
  }
}

/** The RPN's training targets of a batch, flat row-major, ready for tensors. */
export interface RpnTargets {
  /** `[B, N]`: 1 on sampled positive anchors, 0 elsewhere. */
  labels: Float32Array;
  /** `[B, N]`: 1 on sampled anchors (positive or negative), 0 on the rest. */
  weights: Float32Array;
  /** `[B, N, 4]`: deltas of sampled positives to their GT; 0 elsewhere. */
  boxTargets: Float32Array;
  /** `[B, N]`: 1 on sampled positives. */
  boxWeights: Float32Array;
  numPositives: number;
  numSampled: number;
}

/**
 * RPN anchor labelling (Faster R-CNN §3.1.2): positive at IoU ≥ 0.7 with a GT or as a GT's best
 * anchor, negative below 0.3, the rest ignored (`matchAnchors` with RPN_MATCHER); then
 * `batchPerImage` anchors per image sampled with up to `positiveFraction` positives (§3.1.3:
 * 256, 1:1), the rest negatives.
 */
export function rpnTargets(
  anchors: BoxArray,
  gtBoxes: readonly BoxArray[],
  options: { batchPerImage: number; positiveFraction: number; random: () => number; coder?: BoxCoder },
): RpnTargets {
  const coder = options.coder ?? new BoxCoder();
  const N = anchors.length / 4;
  const B = gtBoxes.length;
  const t: RpnTargets = {
    labels: new Float32Array(B * N),
    weights: new Float32Array(B * N),
    boxTargets: new Float32Array(B * N * 4),
    boxWeights: new Float32Array(B * N),
    numPositives: 0,
    numSampled: 0,
  };
  for (let b = 0; b < B; b++) {
    const matches = matchAnchors(anchors, gtBoxes[b], RPN_MATCHER);
    const pos: number[] = [];
    const neg: number[] = [];
    for (let a = 0; a < N; a++) {
      if (matches[a] >= 0) pos.push(a);
      else if (matches[a] === -1) neg.push(a);
    }
    const chosen = sampleBalanced(pos, neg, options.batchPerImage, options.positiveFraction, options.random);
    for (const a of chosen.negatives) t.weights[b * N + a] = 1;
    const pa = new Float32Array(chosen.positives.length * 4);
    const pg = new Float32Array(chosen.positives.length * 4);
    chosen.positives.forEach((a, r) => {
      const g = matches[a];
      pa.set(anchors.subarray(4 * a, 4 * a + 4), 4 * r);
      pg.set(gtBoxes[b].subarray(4 * g, 4 * g + 4), 4 * r);
    });
    const deltas = coder.encode(pg, pa);
    chosen.positives.forEach((a, r) => {
      const row = b * N + a;
      t.labels[row] = 1;
      t.weights[row] = 1;
      t.boxWeights[row] = 1;
      t.boxTargets.set(deltas.subarray(4 * r, 4 * r + 4), 4 * row);
    });
    t.numPositives += chosen.positives.length;
    t.numSampled += chosen.positives.length + chosen.negatives.length;
  }
  return t;
}

/**
 * The RPN loss as detectron2 normalises it: binary cross-entropy over the sampled anchors plus
 * smooth-L1 (β = 1/9, Detectron's σ = 3) over the sampled positives, both summed and divided by
 * batchPerImage · B (the number of anchors the sampler aims for), so images with fewer samples
 * weigh no more per anchor.
 */
export function rpnLoss(outputs: RpnOutputs, t: RpnTargets, batchPerImage: number): { objectness: tf.Scalar; box: tf.Scalar } {
  const [B, N] = outputs.objectness.shape;
  const normaliser = batchPerImage * B;
  return tf.tidy(() => {
    const x = outputs.objectness;
    const z = tf.tensor2d(t.labels, [B, N]);
    // BCE with logits: softplus(x) − x·z.
    const bce = tf.sub(stableSoftplus(x), tf.mul(x, z));
    const objectness = tf.div(tf.sum(tf.mul(bce, tf.tensor2d(t.weights, [B, N]))), normaliser) as tf.Scalar;
    const boxSum = smoothL1Loss(outputs.deltas, tf.tensor3d(t.boxTargets, [B, N, 4]), RPN_SMOOTH_L1_BETA, tf.tensor3d(t.boxWeights, [B, N, 1]));
    return { objectness, box: tf.div(boxSum, normaliser) as tf.Scalar };
  });
}

/** Options of {@link selectProposals}. */
export interface ProposalOptions {
  /** Top-k anchors per level by objectness before NMS. */
  preNmsTopK: number;
  /** Proposals kept per image after NMS. */
  postNmsTopK: number;
  /** NMS IoU (0.7). */
  nmsThresh: number;
  /** Side of the square input; proposals are clipped to it. */
  imageSize: number;
  /** Proposals narrower or lower than this (pixels) are dropped. @defaultValue 0 (empty boxes only) */
  minSize?: number;
}

/** One image's proposals, descending objectness. */
export interface Proposals {
  /** XYXY input pixels, flat 4·P. */
  boxes: Float32Array;
  /** Objectness logits. */
  scores: Float32Array;
}

/**
 * Proposals of one image from its RPN outputs (Faster R-CNN §3.3; FPN §4.1, as detectron2's
 * `find_top_rpn_proposals`): per level the top `preNmsTopK` anchors by objectness, decoded and
 * clipped to the image; boxes with a side ≤ minSize removed; NMS at `nmsThresh` within each
 * level (levels never suppress each other); then the best `postNmsTopK` over all levels.
 * Host-side: no gradient flows through proposals (the "approximate joint training" of §3.2).
 *
 * @param objectness - N logits of the image, anchor order.
 * @param deltas - 4·N deltas.
 * @param levelCounts - anchors per level, summing to N.
 */
export function selectProposals(
  objectness: Float32Array,
  deltas: Float32Array,
  anchors: BoxArray,
  levelCounts: readonly number[],
  options: ProposalOptions,
  coder: BoxCoder = new BoxCoder(),
): Proposals {
  const minSize = options.minSize ?? 0;
  const picked: number[] = [];
  const levelOf: number[] = [];
  let offset = 0;
  levelCounts.forEach((count, level) => {
    const top = topKAbove(objectness.subarray(offset, offset + count), -Infinity, options.preNmsTopK);
    for (const i of top) {
      picked.push(offset + i);
      levelOf.push(level);
    }
    offset += count;
  });
  const boxes = clipBoxes(coder.decodeAt(deltas, anchors, picked), options.imageSize) as Float32Array;
  const keepRows: number[] = [];
  for (let k = 0; k < picked.length; k++) {
    const w = boxes[4 * k + 2] - boxes[4 * k];
    const h = boxes[4 * k + 3] - boxes[4 * k + 1];
    if (w > minSize && h > minSize) keepRows.push(k);
  }
  const candBoxes = new Float32Array(keepRows.length * 4);
  const candScores = new Float32Array(keepRows.length);
  const candLevels = new Int32Array(keepRows.length);
  keepRows.forEach((k, r) => {
    candBoxes.set(boxes.subarray(4 * k, 4 * k + 4), 4 * r);
    candScores[r] = objectness[picked[k]];
    candLevels[r] = levelOf[k];
  });
  // batchedNms's result, comparing each candidate only with kept boxes near it.
  const kept = gridBatchedNms(candBoxes, candScores, candLevels, options.nmsThresh, options.postNmsTopK);
  const out: Proposals = { boxes: new Float32Array(kept.length * 4), scores: new Float32Array(kept.length) };
  kept.forEach((k, r) => {
    out.boxes.set(candBoxes.subarray(4 * k, 4 * k + 4), 4 * r);
    out.scores[r] = candScores[k];
  });
  return out;
}
