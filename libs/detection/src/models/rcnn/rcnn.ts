import * as tf from '@tensorflow/tfjs-core';
import { BoxCoder } from '../../boxes';
import { FASTER_RCNN_BOX_WEIGHTS, ROI_BOX_POOL_SIZE } from '../../config';
import type { RcnnFamilyConfig } from '../../families/sections';
import type { ParamStore } from '../../nn';
import type { Detections } from '../../postprocess/decode-detections';
import type { ProposalSource } from '../../proposals';
import type { ImageMeta, TrainBatch } from '../../structures';
import { BACKBONE_TOP_LEVEL, type Backbone } from '../backbones/backbone';
import type { DetectOptions, Detector, DetectorOutputs, LossContext, TrainingLoss } from '../detector';
import { ParamStoreDetector } from '../param-store-detector';
import type { BoxPredictions, BoxPredictor, Linear } from '../two-stage/box-head';
import { boxHeadDetectionsPerImage, boxHeadLoss, boxHeadTargets, scoreInChunks, type RegionScores } from '../two-stage/box-head-targets';
import { concatRois, seededRandom } from '../two-stage/faster-rcnn';
import type { RoiPooler } from '../two-stage/roi-pooler';
import { sampleRegions } from './sample-regions';
import { warpRegions } from './warp-regions';

/** The parts of an R-CNN (built by `buildRcnnParts`, or by hand in tests). */
export interface RcnnParts {
  config: RcnnFamilyConfig;
  inputSize: number;
  params: ParamStore;
  backbone: Backbone;
  /** The hidden fully connected layer on the flattened region features. */
  fc: Linear;
  /** K + 1 class scores and 4K class-specific deltas (as Fast R-CNN's sibling layers). */
  predictor: BoxPredictor;
  proposals: ProposalSource;
  /** `rcnn.features: 'shared'` only: pools the regions from the map at `rcnn.sharedLevel`. */
  pooler?: RoiPooler;
}

/** Regions per forward pass at inference: bounds the warped batch (chunk · warpSize² · 3 floats and the backbone's maps). */
const INFERENCE_REGION_CHUNK = 128;

/**
 * R-CNN (Girshick et al. 2014): region proposals from a classical source (proposals/), each region
 * warped to a fixed size with context (appendix A) and run through a CNN (§2.1), whose features
 * feed a softmax over K + 1 classes and a class-specific box regressor in appendix C's
 * parametrisation; per-class NMS at inference (§2.2). Differences from the paper, all for a model
 * trained in one step on a CPU: the CNN is fine-tuned with a softmax classifier and a smooth-L1
 * regressor trained jointly (as Fast R-CNN §2.2 does) instead of per-class SVMs and a ridge
 * regressor fitted afterwards on pool5 features; the deltas are scaled by Fast R-CNN's (10, 10, 5, 5)
 * so that both settings of `rcnn.features` share one loss.
 *
 * With `rcnn.features: 'shared'` the same detector is Fast R-CNN (Girshick 2015) on the same
 * proposals: the backbone runs once per image and each region's 7×7 features are RoI-pooled from
 * the map at `rcnn.sharedLevel` (Fast R-CNN §2.1) before the same fully connected layer and outputs.
 * That is the lecture's R-CNN → Fast R-CNN comparison (bench/rcnn.bench.ts).
 *
 * Training (§2.3): `sampleRegions` — IoU ≥ 0.5 positive, background below, 25 % positives — and
 * the box loss counts positives only. The paper samples its 128 regions over the whole mini-batch;
 * here they are drawn per image.
 */
export class Rcnn extends ParamStoreDetector implements Detector {
  declare readonly config: RcnnFamilyConfig;
  /** No anchors: R-CNN's regions come from `proposals`, image by image. */
  readonly anchors = new Float32Array(0);
  readonly backbone: Backbone;
  readonly proposals: ProposalSource;
  private readonly fc: Linear;
  private readonly predictor: BoxPredictor;
  private readonly pooler?: RoiPooler;
  /** Appendix C's parametrisation, scaled as Fast R-CNN's targets (weights 10, 10, 5, 5). */
  private readonly boxCoder = new BoxCoder({ weights: FASTER_RCNN_BOX_WEIGHTS });

  constructor(parts: RcnnParts) {
    super(parts);
    this.backbone = parts.backbone;
    this.fc = parts.fc;
    this.predictor = parts.predictor;
    this.proposals = parts.proposals;
    this.pooler = parts.pooler;
  }

  get numClasses(): number {
    return this.config.model.numClasses;
  }

  /** R-CNN has no dense outputs over fixed anchors: its regions differ per image (use `detect` or `trainingLoss`). */
  apply(): DetectorOutputs {
    throw new Error('Rcnn: no dense outputs; its regions are per-image proposals (use detect or trainingLoss)');
  }

  /**
   * Each image's proposals, XYXY input pixels (computed on the CPU; reads the pixels, asynchronously
   * as a GPU backend requires, only for 'segmentation').
   */
  async regionProposals(images: tf.Tensor4D, meta: readonly ImageMeta[] | undefined): Promise<Float32Array[]> {
    this.checkImages(images, 'Rcnn');
    const pixels = this.proposals.kind === 'segmentation' ? ((await images.data()) as Float32Array) : new Float32Array(0);
    return this.proposals.proposals(pixels, images.shape[0], meta);
  }

  /**
   * The loss of the sampled regions of a batch: softmax cross-entropy over K + 1 classes (`cls`)
   * and smooth L1 of the positives' deltas at their class (`box`), each averaged over the regions;
   * total = cls + box (Fast R-CNN eq. 1 with λ = 1).
   */
  async trainingLoss(batch: TrainBatch, ctx: LossContext): Promise<TrainingLoss> {
    const { rcnn } = this.config;
    const random = seededRandom(ctx.seed, ctx.step);
    const proposals = await this.regionProposals(batch.images, batch.meta);
    const samples = batch.gtBoxes.map((gt, b) => sampleRegions(proposals[b], gt, batch.gtLabels[b], rcnn, random));
    const { boxes, imageIndex } = concatRois(samples.map((s) => s.boxes));
    const targets = boxHeadTargets(samples, batch.gtBoxes, this.numClasses, this.boxCoder);
    // No region at all (images without objects, background floor above 0): a zero loss that still
    // reaches a variable, as tf.variableGrads requires.
    if (imageIndex.length === 0) {
      const zero = tf.tidy(() => tf.mul(tf.sum(this.fc.bias), 0) as tf.Scalar);
      return { total: zero, parts: { cls: tf.scalar(0), box: tf.scalar(0) }, numPositives: 0 };
    }
    const result = tf.tidy(() => {
      const { cls, box } = boxHeadLoss(this.predict(batch.images, boxes, imageIndex, true), targets);
      return { total: tf.add(cls, box), parts: { cls, box } } as unknown as tf.TensorContainer;
    }) as unknown as Omit<TrainingLoss, 'numPositives'>;
    return { ...result, numPositives: targets.numForeground };
  }

  /**
   * Inference (§2.2): every proposal of each image scored (in chunks of INFERENCE_REGION_CHUNK),
   * class-specific deltas decoded on it and clipped, per-class NMS at `rcnn.nmsThresh` of the
   * detections scoring > `rcnn.scoreThresh`, the best `rcnn.detectionsPerImage` kept.
   * A 'file' source needs `options.meta` (predict passes it).
   */
  async detect(images: tf.Tensor4D, options: DetectOptions = {}): Promise<Detections[]> {
    const { rcnn } = this.config;
    const proposals = await this.regionProposals(images, options.meta);
    const { boxes, imageIndex } = concatRois(proposals);
    const scores = await this.scoreRegions(images, boxes, imageIndex);
    const inference = {
      scoreThreshold: options.scoreThreshold ?? rcnn.scoreThresh,
      nmsIouThreshold: options.nmsIouThreshold ?? rcnn.nmsThresh,
      maxDetections: options.maxDetections ?? rcnn.detectionsPerImage,
      imageSize: this.inputSize,
    };
    return boxHeadDetectionsPerImage(scores, proposals, this.numClasses, this.boxCoder, inference);
  }

  /** The regions' scores read back chunk by chunk; 'shared' computes the image map once for all chunks. */
  private async scoreRegions(images: tf.Tensor4D, boxes: Float32Array, imageIndex: Int32Array): Promise<RegionScores> {
    const shared = this.sharedMap(images, false);
    try {
      return await scoreInChunks(imageIndex.length, this.numClasses, INFERENCE_REGION_CHUNK, (start, end) =>
        this.predict(images, boxes.subarray(4 * start, 4 * end), imageIndex.subarray(start, end), false, shared),
      );
    } finally {
      shared?.dispose();
    }
  }

  /**
   * Class logits `[R, K + 1]` and deltas `[R, 4K]` of the regions (flat 4·R XYXY, `imageIndex` R).
   * 'shared' pools from `shared` when given (inference computes the map once), else runs the
   * backbone on `images` here (training: exactly one training-mode pass per step).
   */
  private predict(images: tf.Tensor4D, boxes: Float32Array, imageIndex: Int32Array, training: boolean, shared?: tf.Tensor4D): BoxPredictions {
    return tf.tidy(() => {
      const features = this.regionFeatures(images, boxes, imageIndex, training, shared);
      return this.predictor.apply(this.fc.apply(tf.reshape(features, [imageIndex.length, -1]) as tf.Tensor2D, true)) as unknown as tf.TensorContainer;
    }) as unknown as BoxPredictions;
  }

  /** Per-region feature maps: the backbone's top map of each warped region, or 7×7 pooled from the shared map. */
  private regionFeatures(images: tf.Tensor4D, boxes: Float32Array, imageIndex: Int32Array, training: boolean, shared?: tf.Tensor4D): tf.Tensor4D {
    const { rcnn } = this.config;
    if (this.pooler === undefined) {
      const warped = warpRegions(images, boxes, imageIndex, rcnn.warpSize, rcnn.contextPadding);
      return topLevel(this.backbone, warped, training);
    }
    const map = shared ?? this.sharedMap(images, training)!;
    return this.pooler.pool(new Map([[rcnn.sharedLevel, map]]), boxes, imageIndex, ROI_BOX_POOL_SIZE);
  }

  /** 'shared' only: the backbone's map at `rcnn.sharedLevel` for the whole batch; undefined for 'warp'. */
  private sharedMap(images: tf.Tensor4D, training: boolean): tf.Tensor4D | undefined {
    if (this.pooler === undefined) return undefined;
    const level = this.config.rcnn.sharedLevel;
    return tf.tidy(() => this.backbone.apply(images, training).get(level)!);
  }
}

/** The backbone's last map (C5) of a batch of warped regions; the other levels are freed. */
function topLevel(backbone: Backbone, regions: tf.Tensor4D, training: boolean): tf.Tensor4D {
  return tf.tidy(() => backbone.apply(regions, training).get(BACKBONE_TOP_LEVEL)!);
}
