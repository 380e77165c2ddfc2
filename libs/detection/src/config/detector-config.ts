import { z } from 'zod';
import {
  RETINANET_ANCHOR_SIZE_MULTIPLIER,
  RETINANET_ASPECT_RATIOS,
  RETINANET_BG_IOU,
  RETINANET_FG_IOU,
  RETINANET_FOCAL_ALPHA,
  RETINANET_FOCAL_GAMMA,
  RETINANET_LEVELS,
  RETINANET_SCALES_PER_OCTAVE,
  COCO_NUM_KEYPOINTS,
  KEYPOINT_HEAD_CONVS,
  KEYPOINT_HEAD_DIM,
  KEYPOINT_HEATMAP_SIZE,
  KEYPOINT_UPSAMPLE,
  MASK_HEAD_CONVS,
  MASK_HEAD_DIM,
  ROI_BATCH_PER_IMAGE,
  ROI_CONV_DIM,
  ROI_FC_DIM,
  ROI_MAX_DETECTIONS,
  ROI_NMS_IOU,
  ROI_POSITIVE_FRACTION,
  ROI_SCORE_THRESHOLD,
  RPN_BATCH_PER_IMAGE,
  RPN_NMS_IOU,
  RPN_POSITIVE_FRACTION,
  RPN_PRE_NMS_TOPK_TEST,
  RPN_PRE_NMS_TOPK_TRAIN,
  RPN_TEST_PROPOSALS,
  RPN_TRAIN_PROPOSALS,
  RCNN_CONTEXT_PADDING,
  RCNN_FG_IOU,
  RCNN_POSITIVE_FRACTION,
  FH_MIN_SIZE,
  FH_SIGMA,
} from './paper-constants';

/**
 * The sections of a detector's configuration and its training, as zod schemas: validated once at
 * the edge (API, CLI), serialisable, stored with every run. The detector families
 * (families/registry.ts) say which sections a config has; families/config-schema.ts composes
 * them into DetectorConfigSchema, and train/run-config.ts into the RunConfig that a sweep's grid
 * paths (`loss.gamma`, `anchors.scalesPerOctave`, `model.phi` …) address.
 */

export const BACKBONES = [
  'resnet18',
  'resnet34',
  'resnet50',
  'efficientnet-b0',
  'efficientnet-b1',
  'efficientnet-b2',
  'efficientnet-b3',
  'efficientnet-b4',
  'efficientnet-b5',
  'efficientnet-b6',
] as const;

/**
 * The `model` section's fields besides `arch`: families/config-schema.ts adds `arch`, whose values
 * come from the family registry.
 */
export const ModelFieldsSchema = z
  .object({
    /** Backbone; for EfficientDet the default is B_φ of EfficientDet Table 1. */
    backbone: z.enum(BACKBONES).optional(),
    /** Channel multiplier on the backbone's widths, so CPU runs can use small nets. @defaultValue 1 */
    backboneWidth: z.number().positive().max(4).default(1),
    /** Path of a weights file for the backbone (no pretrained weights are downloaded). */
    backboneWeights: z.string().optional(),
    /** EfficientDet compound coefficient φ (EfficientDet Table 1). @defaultValue 0 */
    phi: z.number().int().min(0).max(7).default(0),
    /** Normalisation in the neck and heads. @defaultValue 'batch' */
    norm: z.enum(['batch', 'group', 'none']).default('batch'),
    /** BiFPN weighted fusion (EfficientDet §3.3). @defaultValue 'fast' */
    fusion: z.enum(['fast', 'softmax', 'sum']).default('fast'),
    /** RetinaNet FPN width; EfficientDet takes W_bifpn from Table 1 unless this is set. */
    fpnChannels: z.number().int().min(8).max(1024).optional(),
    /** Convolutions per head subnet; EfficientDet takes D_class from Table 1 unless set. */
    headConvs: z.number().int().min(1).max(8).optional(),
    /** Square input side in pixels (the `resolution` override); default from the architecture. */
    inputSize: z.number().int().min(32).max(2048).multipleOf(32).optional(),
    /** Number of object classes (background excluded). */
    numClasses: z.number().int().min(1).max(1000).default(1),
  })
  .strict();

export const AnchorConfigSchema = z
  .object({
    /** Pyramid levels l; stride 2^l. @defaultValue [3, 4, 5, 6, 7] */
    levels: z.array(z.number().int().min(2).max(8)).min(1).default([...RETINANET_LEVELS]),
    /** Scales per octave: {2^(i/n)} for i < n. RetinaNet Table 1c varies 1..4. @defaultValue 3 */
    scalesPerOctave: z.number().int().min(1).max(8).default(RETINANET_SCALES_PER_OCTAVE),
    /** Aspect ratios as height / width. @defaultValue [0.5, 1, 2] */
    aspectRatios: z.array(z.number().positive().max(16)).min(1).default([...RETINANET_ASPECT_RATIOS]),
    /** Base anchor side = sizeMultiplier · 2^l. @defaultValue 4 */
    sizeMultiplier: z.number().positive().max(64).default(RETINANET_ANCHOR_SIZE_MULTIPLIER),
    /** Anchor centre within a cell, in strides: centre = (i + offset) · stride. @defaultValue 0.5 */
    offset: z.number().min(0).max(1).default(0.5),
  })
  .strict();

/**
 * How a one-stage detector assigns anchors to ground truth for its training targets (RetinaNet
 * §4.1). The RPN of the two-stage detectors keeps Faster R-CNN's own rule (0.7 / 0.3 with each
 * ground truth's best anchor).
 */
export const MatcherConfigSchema = z
  .object({
    /** An anchor with IoU ≥ this to a ground truth is foreground (RetinaNet §4.1: 0.5). */
    fgIou: z.number().gt(0).max(1).default(RETINANET_FG_IOU),
    /** An anchor whose best IoU is below this is background; in between it is ignored (RetinaNet §4.1: 0.4). */
    bgIou: z.number().min(0).max(1).default(RETINANET_BG_IOU),
    /**
     * Also make each ground truth's best anchors positive, however low their IoU (Faster R-CNN
     * §3.1.2). The RetinaNet paper does not; detectron2's and mmdetection's RetinaNet do
     * (`allow_low_quality_matches`, `min_pos_iou=0`), which gives objects smaller than every
     * anchor a positive. @defaultValue false
     */
    lowQualityMatches: z.boolean().default(false),
  })
  .strict()
  .refine((m) => m.bgIou <= m.fgIou, { message: 'bgIou must not exceed fgIou', path: ['bgIou'] });

export const LossConfigSchema = z
  .object({
    /** Focal loss γ ≥ 0 (0 is α-balanced cross-entropy). @defaultValue 2 */
    gamma: z.number().min(0).max(20).default(RETINANET_FOCAL_GAMMA),
    /** Focal loss α in [0, 1], or −1 for no weighting. @defaultValue 0.25 */
    alpha: z
      .number()
      .refine((a) => a === -1 || (a >= 0 && a <= 1), { message: 'alpha must be in [0, 1], or -1 for no weighting' })
      .default(RETINANET_FOCAL_ALPHA),
    /** Smooth-L1 β (0 is L1). @defaultValue 0.1 (detectron2's RetinaNet) */
    smoothL1Beta: z.number().min(0).max(10).default(0.1),
    /** Weight of the box loss against the classification loss. @defaultValue 1 */
    boxWeight: z.number().min(0).max(100).default(1),
  })
  .strict();

export const TrainConfigSchema = z
  .object({
    optimizer: z.enum(['sgd', 'adam', 'adamw']).default('sgd'),
    lr: z.number().positive().max(10).default(0.01),
    momentum: z.number().min(0).max(1).default(0.9),
    weightDecay: z.number().min(0).max(1).default(1e-4),
    /** Total optimisation steps. */
    steps: z.number().int().min(1).max(10_000_000).default(1000),
    batchSize: z.number().int().min(1).max(1024).default(8),
    warmupSteps: z.number().int().min(0).default(100),
    /** Learning rate at step 0 of the warmup, as a fraction of `lr`. */
    warmupFactor: z.number().min(0).max(1).default(0.001),
    schedule: z.enum(['constant', 'step', 'cosine']).default('cosine'),
    /** For 'step': fractions of `steps` where lr is multiplied by `decayFactor` (RetinaNet: 60k and 80k of 90k). */
    milestones: z.array(z.number().gt(0).lt(1)).default([2 / 3, 8 / 9]),
    decayFactor: z.number().gt(0).max(1).default(0.1),
    /** Clip gradients by global norm; absent = no clipping. */
    clipGradNorm: z.number().positive().optional(),
    /** EMA decay of the weights; absent = no EMA. */
    emaDecay: z.number().gt(0).lt(1).optional(),
    /** Checkpoint every N steps. */
    checkpointEvery: z.number().int().min(1).default(100),
    /**
     * Evaluate on the validation split every N steps during training, besides the final evaluation
     * (a step that is the last gets only that one); absent = only the final evaluation.
     */
    evalEvery: z.number().int().min(1).optional(),
    /**
     * Checkpoints a worker keeps per run, the newest ones (older ones are deleted as new ones are
     * saved); a step's `POST /evaluations` needs its checkpoint. Absent = the store's default, 2.
     */
    keepCheckpoints: z.number().int().min(1).max(10_000).optional(),
    /** Augmentation switches. */
    augment: z
      .object({
        flip: z.boolean().default(true),
        scaleJitter: z.tuple([z.number().positive(), z.number().positive()]).default([0.8, 1.2]),
        photometric: z.boolean().default(true),
      })
      .strict()
      .default({ flip: true, scaleJitter: [0.8, 1.2], photometric: true }),
  })
  .strict();

/**
 * The region proposal network of the two-stage detectors (Faster R-CNN §3.1; FPN §4.1). Its anchors
 * are `config.anchors`: on 'fpn' one map per `anchors.levels` (FPN: P2–P6, sizeMultiplier 8, one
 * scale per octave, ratios 0.5/1/2 → 32²…512²); on 'c4' every anchor size of those levels placed on
 * the single stride-16 C4 map (Faster R-CNN: sizes 128, 256, 512 × 3 ratios).
 */
export const RpnConfigSchema = z
  .object({
    /** Feature map(s) of the RPN and the RoI heads: one C4 map (stride 16) or the FPN levels. @defaultValue 'fpn' */
    features: z.enum(['c4', 'fpn']).default('fpn'),
    /**
     * RPN and box head share the backbone (Faster R-CNN §3.2, "sharing features"); false gives the
     * RPN a backbone (and FPN) of its own, as the paper's unshared ablation (Table 3 / §4.1). @defaultValue true
     */
    shared: z.boolean().default(true),
    /** Proposals per image at test time, after NMS (Faster R-CNN §3.3: 300). */
    proposals: z.number().int().min(1).max(10_000).default(RPN_TEST_PROPOSALS),
    /** Proposals per image while training the detector head (Faster R-CNN §3.3: 2000). */
    trainProposals: z.number().int().min(1).max(10_000).default(RPN_TRAIN_PROPOSALS),
    /** Top-k proposals per level before NMS, training / testing (detectron2: 2000 / 1000). */
    preNmsTopKTrain: z.number().int().min(1).max(100_000).default(RPN_PRE_NMS_TOPK_TRAIN),
    preNmsTopKTest: z.number().int().min(1).max(100_000).default(RPN_PRE_NMS_TOPK_TEST),
    /** NMS IoU on the proposals (Faster R-CNN §3.3: 0.7). */
    nmsThresh: z.number().gt(0).max(1).default(RPN_NMS_IOU),
    /** Anchors sampled per image for the RPN loss (Faster R-CNN §3.1.3: 256). */
    batchPerImage: z.number().int().min(1).max(100_000).default(RPN_BATCH_PER_IMAGE),
    /** Largest fraction of positives among them (Faster R-CNN §3.1.3: up to 1:1). */
    positiveFraction: z.number().gt(0).max(1).default(RPN_POSITIVE_FRACTION),
    /** Weight of the RPN losses in the joint loss. @defaultValue 1 */
    lossWeight: z.number().min(0).max(100).default(1),
  })
  .strict();

/** The RoI box head (Fast R-CNN §2; FPN §4.2; Group Normalization Table 5). */
export const RoiConfigSchema = z
  .object({
    /** RoI feature extraction: RoIAlign (Mask R-CNN §3) or RoIPool (Fast R-CNN §2.1). @defaultValue 'align' */
    pooler: z.enum(['align', 'pool']).default('align'),
    /** Box head: two FC layers (FPN §4.2) or 4 convs + 1 FC with group norm (GN paper Table 5). @defaultValue '2fc' */
    boxHead: z.enum(['2fc', '4conv1fc']).default('2fc'),
    /** Width of the FC layers (1024 in FPN §4.2; smaller for CPU-sized runs). */
    fcDim: z.number().int().min(8).max(4096).default(ROI_FC_DIM),
    /** Width of the 4conv1fc head's convolutions (256 in the GN paper). */
    convDim: z.number().int().min(8).max(1024).default(ROI_CONV_DIM),
    /** RoIs sampled per image for the box head (Detectron: 512; Fast R-CNN §2.3: 64). */
    batchPerImage: z.number().int().min(1).max(100_000).default(ROI_BATCH_PER_IMAGE),
    /** Fraction of foreground RoIs (Fast R-CNN §2.3: 25 %). */
    positiveFraction: z.number().gt(0).max(1).default(ROI_POSITIVE_FRACTION),
    /** Lower IoU bound of background RoIs: 0 (Detectron) or 0.1 (Fast R-CNN §2.3 hard examples). */
    bgLow: z.number().min(0).lt(0.5).default(0),
    /** Detections with class probability > this are kept (0.05). */
    scoreThresh: z.number().min(0).max(1).default(ROI_SCORE_THRESHOLD),
    /** Per-class NMS IoU at inference (0.5). */
    nmsThresh: z.number().gt(0).max(1).default(ROI_NMS_IOU),
    /** Detections per image (100). */
    detectionsPerImage: z.number().int().min(1).max(10_000).default(ROI_MAX_DETECTIONS),
    /** Weight of the box head's losses in the joint loss. @defaultValue 1 */
    lossWeight: z.number().min(0).max(100).default(1),
  })
  .strict();

/** The Mask R-CNN mask branch (implemented with it; see models/two-stage). */
export const MaskConfigSchema = z
  .object({
    /** Per-class sigmoid with the loss on the GT class only, or a softmax over classes (Mask R-CNN Table 2b). @defaultValue 'sigmoid' */
    loss: z.enum(['sigmoid', 'softmax']).default('sigmoid'),
    /** Width of the mask head's convs and deconvolution (256 in Mask R-CNN Fig. 4; smaller for CPU-sized runs). */
    convDim: z.number().int().min(4).max(1024).default(MASK_HEAD_DIM),
    /** Hidden 3×3 convs of the mask head (4 in Mask R-CNN Fig. 4). */
    numConvs: z.number().int().min(0).max(8).default(MASK_HEAD_CONVS),
    /** Normalisation after each hidden conv: none (the paper) or group norm (Group Normalization §6.1). @defaultValue 'none' */
    norm: z.enum(['none', 'group', 'batch']).default('none'),
    /** Weight of the mask loss in the joint loss. @defaultValue 1 */
    lossWeight: z.number().min(0).max(100).default(1),
  })
  .strict();

/**
 * The keypoint head of Mask R-CNN §5 (human pose; `arch: 'keypoint-rcnn'`): RoIAlign features of
 * side `resolution / 4`, `convs` 3×3 convs of `channels`, a 2× deconvolution and a 2× bilinear
 * upscaling to one `resolution`² heatmap per keypoint. The paper's 56 / 8 / 512 are heavy for a CPU;
 * 16–28 / 1–2 / 16–64 train in seconds.
 */
export const KeypointConfigSchema = z
  .object({
    /** K: keypoints per instance, as the dataset's category lists them (17 for COCO persons). */
    numKeypoints: z.number().int().min(1).max(100).default(COCO_NUM_KEYPOINTS),
    /** Side of each keypoint's heatmap (56 in Mask R-CNN §5); a multiple of 4, the RoI features being a quarter of it. */
    resolution: z
      .number()
      .int()
      .min(8)
      .max(112)
      .refine((r) => r % KEYPOINT_UPSAMPLE === 0, { message: `must be a multiple of ${KEYPOINT_UPSAMPLE} (the heatmap is 4× the pooled RoI side)` })
      .default(KEYPOINT_HEATMAP_SIZE),
    /** Hidden 3×3 convs (8 in Mask R-CNN §5). */
    convs: z.number().int().min(0).max(12).default(KEYPOINT_HEAD_CONVS),
    /** Width of the hidden convs (512 in Mask R-CNN §5). */
    channels: z.number().int().min(4).max(1024).default(KEYPOINT_HEAD_DIM),
    /** Weight of the keypoint loss in the joint loss. @defaultValue 1 */
    lossWeight: z.number().min(0).max(100).default(1),
  })
  .strict();

/** Where R-CNN's regions come from (see proposals/): a dense window set, a segmentation, or a file. */
export const PROPOSAL_SOURCES = ['sliding-window', 'segmentation', 'file'] as const;

/** A dense multi-scale set of windows over the input (proposals/sliding-window.ts). */
export const SlidingWindowConfigSchema = z
  .object({
    /** Window sides (of the square window of ratio 1) as fractions of the input side. @defaultValue [0.125, 0.25, 0.5] */
    sizes: z.array(z.number().gt(0).max(1)).min(1).default([0.125, 0.25, 0.5]),
    /** Aspect ratios h/w; each keeps the window's area. @defaultValue [0.5, 1, 2] */
    aspectRatios: z.array(z.number().positive().max(16)).min(1).default([0.5, 1, 2]),
    /** Step between windows as a fraction of the window's side (0.5: half-overlapping). @defaultValue 0.5 */
    stride: z.number().gt(0).max(1).default(0.5),
  })
  .strict();

/**
 * A selective-search-like segmentation (proposals/segmentation.ts): Felzenszwalb–Huttenlocher
 * graph segmentation, then hierarchical grouping by colour, size and fill.
 */
export const SegmentationConfigSchema = z
  .object({
    /**
     * FH's scale k (threshold k/|C|), in the units of the network input: ImageNet-normalised pixels,
     * where one unit is ≈ 57 grey levels, so FH's k = 300 on 8-bit images is ≈ 5. @defaultValue 2
     */
    k: z.number().positive().max(1000).default(2),
    /** Components smaller than this many pixels are merged into a neighbour (FH §4: 20). */
    minSize: z.number().int().min(1).max(100_000).default(FH_MIN_SIZE),
    /** Gaussian smoothing before segmenting, pixels (FH §4: 0.8); 0 for none. */
    sigma: z.number().min(0).max(10).default(FH_SIGMA),
  })
  .strict();

/** R-CNN's region proposals (R-CNN §2.1 uses selective search's "fast mode", ~2000 per image). */
export const ProposalConfigSchema = z
  .object({
    /** @defaultValue 'sliding-window' */
    source: z.enum(PROPOSAL_SOURCES).default('sliding-window'),
    /**
     * Proposals kept per image (R-CNN §2.1: ~2000): the file's best-scored, the segmentation's
     * first in its ranking. The sliding-window set is what its parameters make. @defaultValue 300
     */
    maxPerImage: z.number().int().min(1).max(100_000).default(300),
    slidingWindow: SlidingWindowConfigSchema.default(SlidingWindowConfigSchema.parse({})),
    segmentation: SegmentationConfigSchema.default(SegmentationConfigSchema.parse({})),
    /**
     * For source 'file': a JSON list of `{image_id, bbox: [x, y, w, h], score}` (COCO results
     * format, original image pixels), resolved under the data root.
     */
    file: z.string().min(1).optional(),
  })
  .strict()
  .refine((p) => p.source !== 'file' || p.file !== undefined, {
    message: "source 'file' needs proposals.file: a COCO results JSON of {image_id, bbox, score}",
    path: ['file'],
  });

/** How R-CNN computes a region's features and trains on the regions (R-CNN §2; Fast R-CNN §2 for 'shared'). */
export const RcnnConfigSchema = z
  .object({
    /**
     * 'warp': R-CNN — every region cropped from the image, warped to `warpSize` and run through the
     * whole backbone. 'shared': Fast R-CNN — the backbone runs once per image and each region's
     * features are pooled (`pooler`, 7×7) from its map at `sharedLevel`. @defaultValue 'warp'
     */
    features: z.enum(['warp', 'shared']).default('warp'),
    /** Side of the warped region, pixels (R-CNN: 227; small for CPU). @defaultValue 32 */
    warpSize: z.number().int().min(16).max(512).default(32),
    /** Context around the box, as a fraction of the warp per side (R-CNN appendix A: 16/227). */
    contextPadding: z.number().min(0).max(0.4).default(RCNN_CONTEXT_PADDING),
    /**
     * 'shared' only: RoIAlign (Mask R-CNN §3) or Fast R-CNN's RoIPool (§2.1). RoIAlign by default: on
     * wasm and cpu its host kernel is several times faster than RoIPool's gather. @defaultValue 'align'
     */
    pooler: z.enum(['align', 'pool']).default('align'),
    /** 'shared' only: the backbone level pooled from (4 = stride 16, as Fast R-CNN's VGG conv5). @defaultValue 4 */
    sharedLevel: z.number().int().min(2).max(5).default(4),
    /** Width of the hidden fully connected layer before the classifier and regressor. @defaultValue 128 */
    fcDim: z.number().int().min(8).max(4096).default(128),
    /** Regions sampled per image for a training step (R-CNN §2.3: 128 per mini-batch). @defaultValue 32 */
    batchPerImage: z.number().int().min(1).max(10_000).default(32),
    /** Fraction of positives among them (R-CNN §2.3: 32 of 128). */
    positiveFraction: z.number().gt(0).max(1).default(RCNN_POSITIVE_FRACTION),
    /** Positive at IoU ≥ this with a ground truth (R-CNN §2.3: 0.5). */
    fgIou: z.number().gt(0).max(1).default(RCNN_FG_IOU),
    /** Background when the best IoU is in [bgLow, fgIou): R-CNN takes "the rest" (0); Fast R-CNN 0.1. @defaultValue 0 */
    bgLow: z.number().min(0).lt(1).default(0),
    /** Detections with class probability > this are kept (0.05). */
    scoreThresh: z.number().min(0).max(1).default(ROI_SCORE_THRESHOLD),
    /** Per-class NMS IoU at inference (0.5). */
    nmsThresh: z.number().gt(0).max(1).default(ROI_NMS_IOU),
    /** Detections per image (100). */
    detectionsPerImage: z.number().int().min(1).max(10_000).default(ROI_MAX_DETECTIONS),
  })
  .strict()
  .refine((r) => r.bgLow < r.fgIou, { message: 'bgLow must be below fgIou', path: ['bgLow'] });

export type AnchorConfig = z.infer<typeof AnchorConfigSchema>;
export type MatcherConfig = z.infer<typeof MatcherConfigSchema>;
export type LossConfig = z.infer<typeof LossConfigSchema>;
export type TrainConfig = z.infer<typeof TrainConfigSchema>;
export type RpnConfig = z.infer<typeof RpnConfigSchema>;
export type RoiConfig = z.infer<typeof RoiConfigSchema>;
export type MaskConfig = z.infer<typeof MaskConfigSchema>;
export type KeypointConfig = z.infer<typeof KeypointConfigSchema>;
export type ProposalConfig = z.infer<typeof ProposalConfigSchema>;
export type SlidingWindowConfig = z.infer<typeof SlidingWindowConfigSchema>;
export type SegmentationConfig = z.infer<typeof SegmentationConfigSchema>;
export type RcnnConfig = z.infer<typeof RcnnConfigSchema>;
