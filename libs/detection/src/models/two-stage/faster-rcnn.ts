import * as tf from '@tensorflow/tfjs-core';
import { BoxCoder } from '../../boxes';
import { FASTER_RCNN_BOX_WEIGHTS, ROI_BG_IOU_HARD, ROI_BOX_POOL_SIZE, ROI_FG_IOU } from '../../config';
import type { TwoStageConfig } from '../../families/sections';
import { hashSeed, mulberry32, type ParamStore } from '../../nn';
import type { Detections } from '../../postprocess/decode-detections';
import { sampleRois, type RoiSample } from '../../roi';
import type { TrainBatch } from '../../structures';
import type { Backbone } from '../backbones/backbone';
import type { DetectOptions, Detector, DetectorOutputs, LossContext, TrainingLoss } from '../detector';
import type { Fpn } from '../necks/fpn';
import { ParamStoreDetector } from '../param-store-detector';
import type { BoxHead, BoxPredictor } from './box-head';
import { boxHeadDetectionsPerImage, boxHeadLoss, boxHeadTargets, scoreInChunks } from './box-head-targets';
import type { RoiPooler } from './roi-pooler';
import { rpnLoss, rpnTargets, selectProposals, type Proposals, type RpnHead, type RpnOutputs } from './rpn';
import type { RpnAnchors } from './rpn-anchors';

/** A feature extractor: backbone, plus an FPN for `rpn.features: 'fpn'`. */
export interface FeatureTrunk {
  backbone: Backbone;
  /** FPN over P2–P6 ('fpn'); absent for 'c4', whose single map is the backbone's C4. */
  neck?: Fpn;
}

/** The parts of a Faster R-CNN (built by `buildFasterRcnnParts`, or by hand in tests). */
export interface FasterRcnnParts {
  config: TwoStageConfig;
  inputSize: number;
  params: ParamStore;
  /** Features of the RoI heads (and of the RPN when `rpn.shared`). */
  trunk: FeatureTrunk;
  /** The RPN's own features when `rpn.shared` is false (Faster R-CNN's unshared ablation). */
  rpnTrunk?: FeatureTrunk;
  rpnAnchors: RpnAnchors;
  rpnHead: RpnHead;
  pooler: RoiPooler;
  boxHead: BoxHead;
  boxPredictor: BoxPredictor;
}

/** Feature maps of one forward pass. */
export interface TwoStageFeatures {
  /** By level: what the RoI heads pool from (C4 alone, or P2–P6). */
  roi: Map<number, tf.Tensor4D>;
  /** The RPN's maps, in the order of `rpnAnchors.levels`. */
  rpn: tf.Tensor4D[];
}

/** Pools `[R, size, size, C]` RoI features from this pass's maps (RoIAlign or RoIPool per `roi.pooler`). */
export type RoiFeatureFn = (boxes: Float32Array, imageIndex: Int32Array, outputSize: number) => tf.Tensor4D;

/**
 * What a training step exposes to a subclass's extra RoI branch (Mask R-CNN's mask head), see
 * {@link FasterRcnn.roiTrainingExtras}. Every tensor here belongs to the step's scope.
 */
export interface RoiTrainingState {
  batch: TrainBatch;
  /** The sampled RoIs of each image, foreground first (`labels[i] > 0` for the first `numForeground(b)` rows). */
  samples: readonly RoiSample[];
  /**
   * The foreground RoIs of the whole batch, image by image: boxes (flat 4·F, input pixels), the
   * image of each, the index of its matched GT in that image's `batch.gtBoxes`, and its class in
   * [0, numClasses).
   */
  foreground: { boxes: Float32Array; imageIndex: Int32Array; gtIndex: Int32Array; classes: Int32Array };
  /** This pass's feature maps by level. */
  features: ReadonlyMap<number, tf.Tensor4D>;
  /** Pools RoI features from them (e.g. 14×14 for masks, Mask R-CNN §3). */
  pool: RoiFeatureFn;
  /** The step's seeded uniform generator (after the box head's sampling). */
  random: () => number;
}

/** What inference exposes to a subclass's extra RoI branch, see {@link FasterRcnn.roiDetectionExtras}. */
export interface RoiInferenceState {
  /** This pass's feature maps by level (disposed after the hook returns). */
  features: ReadonlyMap<number, tf.Tensor4D>;
  pool: RoiFeatureFn;
}

/**
 * Faster R-CNN (Ren et al. 2015) with an optional FPN (Lin et al. 2017): backbone (and FPN) →
 * RPN (3×3 conv, sibling objectness and box 1×1 convs) → proposals (decode, clip, per-level top-k,
 * NMS 0.7, top N) → RoIAlign/RoIPool 7×7 → box head (2fc or 4conv1fc) → softmax over K + 1
 * classes and class-specific deltas (weights 10, 10, 5, 5). RPN and head train jointly in one step
 * ("approximate joint training", Faster R-CNN §3.2: no gradient through the proposals).
 *
 * ## For Mask R-CNN
 * A subclass adds its RoI branch through two hooks, and its variables to `params` (under
 * `roiHeads.mask`) in its constructor:
 * - `roiTrainingExtras(state)` — called inside `trainingLoss` after the box head, with the
 *   sampled RoIs (foreground first, matched GT index and class), the feature maps and a pooler;
 *   returns extra named loss scalars, each added to the total with weight 1 and reported as a part.
 * - `roiDetectionExtras(state, detections)` — called by `detect` with the final boxes and labels
 *   (input pixels) of each image and the feature maps; returns the detections, e.g. with masks.
 *
 * Sampling (RPN anchors, RoIs) draws from a generator seeded by (run seed, step), so resumed runs
 * repeat an uninterrupted one exactly.
 */
export class FasterRcnn extends ParamStoreDetector implements Detector {
  declare readonly config: TwoStageConfig;
  /** The RPN's anchors (see `rpnAnchors`). */
  readonly anchors: Float32Array;
  readonly rpnAnchors: RpnAnchors;
  readonly trunk: FeatureTrunk;
  readonly rpnTrunk?: FeatureTrunk;
  readonly rpnHead: RpnHead;
  readonly pooler: RoiPooler;
  readonly boxHead: BoxHead;
  readonly boxPredictor: BoxPredictor;
  /** Fast R-CNN's class-specific box coder (weights 10, 10, 5, 5). */
  protected readonly boxCoder = new BoxCoder({ weights: FASTER_RCNN_BOX_WEIGHTS });
  /** The RPN's coder (weights 1, 1, 1, 1). */
  protected readonly rpnCoder = new BoxCoder();

  constructor(parts: FasterRcnnParts) {
    super(parts);
    this.trunk = parts.trunk;
    this.rpnTrunk = parts.rpnTrunk;
    this.rpnAnchors = parts.rpnAnchors;
    this.anchors = parts.rpnAnchors.anchors;
    this.rpnHead = parts.rpnHead;
    this.pooler = parts.pooler;
    this.boxHead = parts.boxHead;
    this.boxPredictor = parts.boxPredictor;
  }

  get numClasses(): number {
    return this.config.model.numClasses;
  }

  /** Runs the trunk(s): RoI feature maps and the RPN's maps. The caller owns (disposes) them. */
  features(images: tf.Tensor4D, training: boolean): TwoStageFeatures {
    this.checkImages(images, 'FasterRcnn');
    // tidy keeps the tensors of arrays and plain objects (not of Maps): return arrays, rebuild the Map.
    const kept = tf.tidy(() => {
      const roi = runTrunk(this.trunk, images, training);
      const rpnMaps = this.rpnTrunk ? runTrunk(this.rpnTrunk, images, training) : roi;
      const rpn = this.rpnAnchors.levels.map((l) => {
        const f = rpnMaps.get(l);
        if (f === undefined) throw new RangeError(`FasterRcnn: the RPN has no feature map at level ${l}`);
        return f;
      });
      return { levels: [...roi.keys()], maps: [...roi.values()], rpn };
    });
    return { roi: new Map(kept.levels.map((l, i) => [l, kept.maps[i]])), rpn: kept.rpn };
  }

  /** The RPN's dense outputs: objectness as the one class `[B, N, 1]`, deltas `[B, N, 4]`. */
  apply(images: tf.Tensor4D, training: boolean): DetectorOutputs {
    return tf.tidy(() => {
      const f = this.features(images, training);
      const o = this.rpnHead.apply(f.rpn);
      const [b, n] = o.objectness.shape;
      return { classLogits: tf.reshape(o.objectness, [b, n, 1]) as tf.Tensor3D, boxDeltas: o.deltas };
    }) as unknown as DetectorOutputs;
  }

  /**
   * The joint loss of the RPN and the box head (Faster R-CNN §3.2): parts `rpnObj`, `rpnBox`
   * (anchors sampled 256 per image, 1:1), `cls`, `box` (RoIs sampled `roi.batchPerImage` per
   * image, 25 % foreground, from the training proposals plus the GT boxes), and any extras of
   * a subclass. total = rpn.lossWeight·(rpnObj + rpnBox) + roi.lossWeight·(cls + box) + Σ extras.
   */
  async trainingLoss(batch: TrainBatch, ctx: LossContext): Promise<TrainingLoss> {
    const { rpn, roi } = this.config;
    const random = seededRandom(ctx.seed, ctx.step);
    const targets = rpnTargets(this.anchors, batch.gtBoxes, {
      batchPerImage: rpn.batchPerImage,
      positiveFraction: rpn.positiveFraction,
      random,
      coder: this.rpnCoder,
    });
    // Two synchronous stretches around one read: the proposals are picked on the host from the RPN's
    // scores, which a GPU backend hands back only asynchronously. The caller's gradient tape
    // (variableGradsAsync) spans both; the proposals are constants of the second.
    const levels: number[] = [];
    const first = tf.tidy(() => {
      const f = this.features(batch.images, true);
      const o = this.rpnHead.apply(f.rpn);
      const l = rpnLoss(o, targets, rpn.batchPerImage);
      levels.push(...f.roi.keys());
      return { maps: [...f.roi.values()], objectness: o.objectness, deltas: o.deltas, rpnObj: l.objectness, rpnBox: l.box };
    });
    const roiMaps = new Map(levels.map((l, i) => [l, first.maps[i]!]));
    const rpnOut: RpnOutputs = { objectness: first.objectness, deltas: first.deltas };
    const rpnL = { objectness: first.rpnObj, box: first.rpnBox };
    let numForeground = 0;
    try {
      const proposals = await this.proposalsOf(rpnOut, true);
      const result = tf.tidy(() => {
        const samples = batch.gtBoxes.map((gt, b) =>
          sampleRois(proposals[b].boxes, gt, batch.gtLabels[b], {
            batchSize: roi.batchPerImage,
            positiveFraction: roi.positiveFraction,
            foregroundIou: ROI_FG_IOU,
            backgroundIou: [roi.bgLow, ROI_FG_IOU],
            appendGroundTruth: true,
            random,
          }),
        );
        const { boxes, imageIndex } = concatRois(samples.map((s) => s.boxes));
        const pool: RoiFeatureFn = (bx, idx, size) => this.pooler.pool(roiMaps, bx, idx, size);
        const t = boxHeadTargets(samples, batch.gtBoxes, this.numClasses, this.boxCoder);
        numForeground = t.numForeground;
        const boxL =
          imageIndex.length === 0
            ? { cls: tf.scalar(0), box: tf.scalar(0) }
            : boxHeadLoss(this.boxPredictor.apply(this.boxHead.apply(pool(boxes, imageIndex, ROI_BOX_POOL_SIZE))), t);
        const extras = this.roiTrainingExtras({ batch, samples, foreground: foregroundOf(samples), features: roiMaps, pool, random });
        const parts: Record<string, tf.Scalar> = { cls: boxL.cls, box: boxL.box, rpnObj: rpnL.objectness, rpnBox: rpnL.box, ...extras };
        let total = tf.add(tf.mul(tf.add(rpnL.objectness, rpnL.box), rpn.lossWeight), tf.mul(tf.add(boxL.cls, boxL.box), roi.lossWeight));
        for (const e of Object.values(extras)) total = tf.add(total, e);
        return { total, parts } as unknown as tf.TensorContainer;
      }) as unknown as Omit<TrainingLoss, 'numPositives'>;
      return { ...result, numPositives: numForeground };
    } catch (err) {
      tf.dispose([rpnL.objectness, rpnL.box]);
      throw err;
    } finally {
      // The feature maps and RPN outputs served both stretches; the RPN loss parts are the result's.
      tf.dispose([...first.maps, rpnOut.objectness, rpnOut.deltas]);
    }
  }

  /**
   * Inference (Faster R-CNN §3.3; detectron2): the top `rpn.proposals` proposals per image (NMS
   * 0.7), box head, per-class NMS at `roi.nmsThresh` (0.5) of detections scoring > `roi.scoreThresh`
   * (0.05), at most `roi.detectionsPerImage` (100) per image; `options` override the last three.
   */
  async detect(images: tf.Tensor4D, options: DetectOptions = {}): Promise<Detections[]> {
    const { roi } = this.config;
    const f = this.features(images, false);
    try {
      const rpnOut = this.rpnHead.apply(f.rpn);
      let proposals: Proposals[];
      try {
        proposals = await this.proposalsOf(rpnOut, false);
      } finally {
        tf.dispose([rpnOut.objectness, rpnOut.deltas]);
      }
      const pool: RoiFeatureFn = (bx, idx, size) => this.pooler.pool(f.roi, bx, idx, size);
      const { boxes, imageIndex } = concatRois(proposals.map((p) => p.boxes));
      const scores = await scoreInChunks(imageIndex.length, this.numClasses, INFERENCE_ROI_CHUNK, (start, end) =>
        this.boxPredictor.apply(this.boxHead.apply(pool(boxes.subarray(4 * start, 4 * end), imageIndex.subarray(start, end), ROI_BOX_POOL_SIZE))),
      );
      const inference = {
        scoreThreshold: options.scoreThreshold ?? roi.scoreThresh,
        nmsIouThreshold: options.nmsIouThreshold ?? roi.nmsThresh,
        maxDetections: options.maxDetections ?? roi.detectionsPerImage,
        imageSize: this.inputSize,
      };
      const detections = boxHeadDetectionsPerImage(scores, proposals.map((p) => p.boxes), this.numClasses, this.boxCoder, inference);
      return await this.roiDetectionExtras({ features: f.roi, pool }, detections);
    } finally {
      disposeFeatures(f);
    }
  }

  /**
   * Mask R-CNN's training hook: extra loss parts from the sampled RoIs (called inside the step's
   * tidy and gradient tape; return scalars). Faster R-CNN has none.
   */
  protected roiTrainingExtras(_state: RoiTrainingState): Record<string, tf.Scalar> {
    return {};
  }

  /** Mask R-CNN's inference hook: receives the final detections of each image. Faster R-CNN returns them as they are. */
  protected async roiDetectionExtras(_state: RoiInferenceState, detections: Detections[]): Promise<Detections[]> {
    return detections;
  }

  /** Proposals of every image (host-side, no gradient), with the training or the test counts. */
  async proposalsOf(out: RpnOutputs, training: boolean): Promise<Proposals[]> {
    const [obj, del] = (await Promise.all([out.objectness.data(), out.deltas.data()])) as Float32Array[];
    return this.selectAll(obj!, del!, out.objectness.shape[0], training);
  }

  private selectAll(obj: Float32Array, del: Float32Array, batch: number, training: boolean): Proposals[] {
    const { rpn } = this.config;
    const N = this.anchors.length / 4;
    const options = {
      preNmsTopK: training ? rpn.preNmsTopKTrain : rpn.preNmsTopKTest,
      postNmsTopK: training ? rpn.trainProposals : rpn.proposals,
      nmsThresh: rpn.nmsThresh,
      imageSize: this.inputSize,
    };
    return Array.from({ length: batch }, (_, b) =>
      selectProposals(obj.subarray(b * N, (b + 1) * N), del.subarray(b * N * 4, (b + 1) * N * 4), this.anchors, this.rpnAnchors.levelCounts, options, this.rpnCoder),
    );
  }
}

/** RoIs per box-head pass at inference (memory bound of the RoIAlign gather: 512 · 7² · 16 rows of C floats). */
const INFERENCE_ROI_CHUNK = 512;

/** Backbone (+ FPN) → maps by level. */
function runTrunk(trunk: FeatureTrunk, images: tf.Tensor4D, training: boolean): Map<number, tf.Tensor4D> {
  const c = trunk.backbone.apply(images, training);
  return trunk.neck ? trunk.neck.apply(c, training) : c;
}

function disposeFeatures(f: TwoStageFeatures): void {
  const all = new Set<tf.Tensor>([...f.roi.values(), ...f.rpn]);
  tf.dispose([...all]);
}

/** Per-image RoIs (flat 4·R_b) → one list with the image of each. */
export function concatRois(perImage: readonly Float32Array[]): { boxes: Float32Array; imageIndex: Int32Array } {
  const total = perImage.reduce((n, b) => n + b.length / 4, 0);
  const boxes = new Float32Array(total * 4);
  const imageIndex = new Int32Array(total);
  let r = 0;
  perImage.forEach((b, i) => {
    boxes.set(b, 4 * r);
    imageIndex.fill(i, r, r + b.length / 4);
    r += b.length / 4;
  });
  return { boxes, imageIndex };
}

/** The foreground rows of the samples (labels > 0), image by image. */
function foregroundOf(samples: readonly RoiSample[]): RoiTrainingState['foreground'] {
  const boxes: number[] = [];
  const imageIndex: number[] = [];
  const gtIndex: number[] = [];
  const classes: number[] = [];
  samples.forEach((s, b) => {
    for (let i = 0; i < s.count; i++) {
      if (s.labels[i] <= 0) continue;
      for (let j = 0; j < 4; j++) boxes.push(s.boxes[4 * i + j]);
      imageIndex.push(b);
      gtIndex.push(s.matchedGt[i]);
      classes.push(s.labels[i] - 1);
    }
  });
  return { boxes: Float32Array.from(boxes), imageIndex: Int32Array.from(imageIndex), gtIndex: Int32Array.from(gtIndex), classes: Int32Array.from(classes) };
}

/** mulberry32 seeded by (seed, step): the sampling generator of one training step. */
export function seededRandom(seed: number, step: number): () => number {
  return mulberry32(hashSeed(seed, `two-stage-step-${step}`));
}

/** Fast R-CNN's hard-example background range [0.1, 0.5) as `roi.bgLow` (§2.3). */
export const HARD_BACKGROUND_LOW = ROI_BG_IOU_HARD;
