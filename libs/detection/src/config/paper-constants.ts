/**
 * Numbers that the papers fix. Every default elsewhere in Ablate refers to these.
 *
 * RetinaNet: "Focal Loss for Dense Object Detection", Lin et al. 2017 (arXiv:1708.02002).
 * EfficientDet: "EfficientDet: Scalable and Efficient Object Detection", Tan et al. 2020 (arXiv:1911.09070).
 */

/** RetinaNet §4 and Table 1b: γ = 2, α = 0.25 works best. */
export const RETINANET_FOCAL_GAMMA = 2;
export const RETINANET_FOCAL_ALPHA = 0.25;
/** RetinaNet §4.1 ("Inference and Training"): foreground IoU ≥ 0.5, background IoU < 0.4, in between ignored. */
export const RETINANET_FG_IOU = 0.5;
export const RETINANET_BG_IOU = 0.4;
/** RetinaNet §4: classification bias prior π = 0.01, bias = −log((1 − π) / π). */
export const RETINANET_PRIOR_PROBABILITY = 0.01;
/** RetinaNet §3 / Table 1c: pyramid levels P3–P7, 3 scales per octave {2^0, 2^(1/3), 2^(2/3)}, ratios {1:2, 1:1, 2:1}, base size 4·2^l. */
export const RETINANET_LEVELS = [3, 4, 5, 6, 7] as const;
export const RETINANET_SCALES_PER_OCTAVE = 3;
export const RETINANET_ASPECT_RATIOS = [0.5, 1, 2] as const;
export const RETINANET_ANCHOR_SIZE_MULTIPLIER = 4;
/** RetinaNet §4 and §3.3: FPN width 256, 4 convolutions per subnet. */
export const RETINANET_FPN_CHANNELS = 256;
export const RETINANET_HEAD_CONVS = 4;
/** RetinaNet §4.1 ("Inference"): ≤ 1000 top-scoring candidates per level above 0.05, NMS at 0.5, 100 detections per image. */
export const RETINANET_PRE_NMS_TOPK_PER_LEVEL = 1000;
export const RETINANET_SCORE_THRESHOLD = 0.05;
export const RETINANET_NMS_IOU = 0.5;
export const RETINANET_MAX_DETECTIONS = 100;

/** Box coder weights: (1,1,1,1) for RetinaNet; (10,10,5,5) for Faster R-CNN (Fast R-CNN's target normalisation, as in detectron2). */
export const RETINANET_BOX_WEIGHTS = [1, 1, 1, 1] as const;
export const FASTER_RCNN_BOX_WEIGHTS = [10, 10, 5, 5] as const;
/** Clamp of t_w, t_h before exp: a 16 px box scaled to 1000 px (torchvision, detectron2). */
export const BOX_SCALE_CLAMP = Math.log(1000 / 16);

/** Faster R-CNN §3.1.2 (RPN): positive IoU ≥ 0.7 (or a GT's best anchor), negative IoU < 0.3. */
export const RPN_FG_IOU = 0.7;
export const RPN_BG_IOU = 0.3;

/** Group Normalization (Wu & He 2018), §3.1: 32 groups by default. */
export const GROUP_NORM_GROUPS = 32;

/** EfficientDet §3.3: fast normalised fusion ε = 1e-4. */
export const BIFPN_FUSION_EPSILON = 1e-4;

/**
 * EfficientDet Table 1: the scaling configurations of D0–D7 by compound coefficient φ.
 * (The paper's formulae D_bifpn = 3 + φ and R = 512 + 128φ are rounded off by the table for
 * D5–D7: D_bifpn stays 7 for D5 and 8 for D6/D7; D6 keeps 1280 px; D7 reuses B6.)
 */
export interface EfficientDetScaling {
  phi: number;
  inputSize: number;
  backbone: `b${0 | 1 | 2 | 3 | 4 | 5 | 6}`;
  bifpnChannels: number;
  bifpnLayers: number;
  headLayers: number;
}
export const EFFICIENTDET_SCALING: readonly EfficientDetScaling[] = [
  { phi: 0, inputSize: 512, backbone: 'b0', bifpnChannels: 64, bifpnLayers: 3, headLayers: 3 },
  { phi: 1, inputSize: 640, backbone: 'b1', bifpnChannels: 88, bifpnLayers: 4, headLayers: 3 },
  { phi: 2, inputSize: 768, backbone: 'b2', bifpnChannels: 112, bifpnLayers: 5, headLayers: 3 },
  { phi: 3, inputSize: 896, backbone: 'b3', bifpnChannels: 160, bifpnLayers: 6, headLayers: 4 },
  { phi: 4, inputSize: 1024, backbone: 'b4', bifpnChannels: 224, bifpnLayers: 7, headLayers: 4 },
  { phi: 5, inputSize: 1280, backbone: 'b5', bifpnChannels: 288, bifpnLayers: 7, headLayers: 4 },
  { phi: 6, inputSize: 1280, backbone: 'b6', bifpnChannels: 384, bifpnLayers: 8, headLayers: 5 },
  { phi: 7, inputSize: 1536, backbone: 'b6', bifpnChannels: 384, bifpnLayers: 8, headLayers: 5 },
];

/** COCO evaluation (pycocotools COCOeval, iouType 'bbox'). */
// The IoU thresholds .50:.05:.95 are built in eval/coco-params.ts exactly as numpy's linspace
// builds them (0.5 + 0.05·i differs from it in the last bit at i = 7, 8).
export const COCO_RECALL_POINTS = 101;
export const COCO_MAX_DETS = [1, 10, 100] as const;
/** COCO area ranges on the GT `area` field: small < 32², medium 32²–96², large > 96². */
export const COCO_AREA_RANGES = {
  all: [0, 1e10],
  small: [0, 32 ** 2],
  medium: [32 ** 2, 96 ** 2],
  large: [96 ** 2, 1e10],
} as const;

/**
 * COCO keypoint evaluation (pycocotools cocoeval.py `Params.setKpParams`, iouType 'keypoints'):
 * up to 20 detections an image, area ranges all, medium and large only (small people carry no
 * reliable keypoints), and the per-keypoint OKS constants κ of the 17 COCO keypoints in COCO order
 * (nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles): `kpt_oks_sigmas`, written
 * there as `np.array([.26, .25, …]) / 10.0`, so the values are those quotients.
 */
export const COCO_KEYPOINT_MAX_DETS = [20] as const;
export const COCO_KEYPOINT_OKS_SIGMAS: readonly number[] = [0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89].map((s) => s / 10);

/**
 * RetinaNet §4.1 ("Initialization"): every conv of the classification and box subnets, the final
 * ones included, starts from a Gaussian of σ = 0.01 and bias 0 (the final class bias from π).
 */
export const RETINANET_HEAD_INIT_STD = 0.01;

/**
 * ResNet ("Deep Residual Learning for Image Recognition", He et al. 2016, arXiv:1512.03385), Table 1:
 * blocks per stage conv2_x … conv5_x, stage widths 64·2^i, bottleneck expansion 4, 64-channel 7×7 stem.
 */
export const RESNET_LAYOUTS = {
  resnet18: { block: 'basic', blocks: [2, 2, 2, 2] },
  resnet34: { block: 'basic', blocks: [3, 4, 6, 3] },
  resnet50: { block: 'bottleneck', blocks: [3, 4, 6, 3] },
} as const;
export const RESNET_STAGE_WIDTHS = [64, 128, 256, 512] as const;
export const RESNET_STEM_CHANNELS = 64;
export const RESNET_BOTTLENECK_EXPANSION = 4;

/**
 * EfficientNet ("EfficientNet: Rethinking Model Scaling for CNNs", Tan & Le 2019, arXiv:1905.11946),
 * Table 1: the B0 network. Stages of MBConv blocks: expansion ratio, kernel, stride of the first
 * block, output channels, repeats. The stem is a 3×3 stride-2 conv of 32 channels; every MBConv has
 * squeeze-excitation with ratio 0.25 of the block's input channels (§4) and swish.
 */
export interface MBConvStage {
  expandRatio: number;
  kernelSize: number;
  stride: number;
  channels: number;
  repeats: number;
}
export const EFFICIENTNET_B0_STAGES: readonly MBConvStage[] = [
  { expandRatio: 1, kernelSize: 3, stride: 1, channels: 16, repeats: 1 },
  { expandRatio: 6, kernelSize: 3, stride: 2, channels: 24, repeats: 2 },
  { expandRatio: 6, kernelSize: 5, stride: 2, channels: 40, repeats: 2 },
  { expandRatio: 6, kernelSize: 3, stride: 2, channels: 80, repeats: 3 },
  { expandRatio: 6, kernelSize: 5, stride: 1, channels: 112, repeats: 3 },
  { expandRatio: 6, kernelSize: 5, stride: 2, channels: 192, repeats: 4 },
  { expandRatio: 6, kernelSize: 3, stride: 1, channels: 320, repeats: 1 },
];
export const EFFICIENTNET_STEM_CHANNELS = 32;
export const EFFICIENTNET_SE_RATIO = 0.25;
/** Channel counts are rounded to multiples of 8 (EfficientNet reference implementation, `round_filters`). */
export const EFFICIENTNET_CHANNEL_DIVISOR = 8;

/**
 * EfficientNet B0–B6 compound scaling: width and depth multipliers and the classification
 * resolution. The paper (§3.3) fixes α = 1.2 (depth), β = 1.1 (width), γ = 1.15 (resolution) for
 * φ = 1 and says B1–B7 scale B0 up with larger φ; the per-model coefficients are those of the
 * authors' reference implementation (`efficientnet_builder.py`, `efficientnet_params`). Detection
 * takes its resolution from DetectorConfig instead (EfficientDet Table 1).
 */
export const EFFICIENTNET_SCALING = {
  b0: { width: 1.0, depth: 1.0, resolution: 224 },
  b1: { width: 1.0, depth: 1.1, resolution: 240 },
  b2: { width: 1.1, depth: 1.2, resolution: 260 },
  b3: { width: 1.2, depth: 1.4, resolution: 300 },
  b4: { width: 1.4, depth: 1.8, resolution: 380 },
  b5: { width: 1.6, depth: 2.2, resolution: 456 },
  b6: { width: 1.8, depth: 2.6, resolution: 528 },
} as const;

// ── Two-stage detectors (Faster R-CNN, FPN, Mask R-CNN, Group Normalization) ──────────────────

/** Faster R-CNN §3.1.1: anchors of 3 scales (128², 256², 512²) × 3 ratios on the stride-16 C4 map. */
export const FASTER_RCNN_C4_ANCHOR_SIZES = [128, 256, 512] as const;
export const FASTER_RCNN_C4_STRIDE_LEVEL = 4;
/** Faster R-CNN §3.1.1 / FPN §4.1: aspect ratios 1:2, 1:1, 2:1 (as h/w). */
export const FASTER_RCNN_ASPECT_RATIOS = [0.5, 1, 2] as const;
/**
 * FPN §4.1: the RPN on P2–P6, one anchor size per level, 32² on P2 … 512² on P6, i.e. side
 * 8 · 2^l (an AnchorConfig with sizeMultiplier 8 and one scale per octave).
 */
export const FPN_RPN_LEVELS = [2, 3, 4, 5, 6] as const;
export const FPN_RPN_ANCHOR_SIZE_MULTIPLIER = 8;
/** Faster R-CNN §3.1.3: 256 anchors sampled per image, positives and negatives up to 1:1. */
export const RPN_BATCH_PER_IMAGE = 256;
export const RPN_POSITIVE_FRACTION = 0.5;
/** Faster R-CNN §3.3: NMS at IoU 0.7 on the proposals; the detector trains on 2000 and tests on 300 of them. */
export const RPN_NMS_IOU = 0.7;
export const RPN_TRAIN_PROPOSALS = 2000;
export const RPN_TEST_PROPOSALS = 300;
/** Pre-NMS top-k proposals per pyramid level (FPN §5.1 / detectron2: 2000 training, 1000 testing). */
export const RPN_PRE_NMS_TOPK_TRAIN = 2000;
export const RPN_PRE_NMS_TOPK_TEST = 1000;
/** Faster R-CNN §3.1.3: new layers drawn from a zero-mean Gaussian with σ = 0.01. */
export const RPN_INIT_STD = 0.01;
/** Fast R-CNN §2.3 smooth L1 as Detectron's RPN uses it: β = 1/9 (σ = 3). */
export const RPN_SMOOTH_L1_BETA = 1 / 9;

/** Fast R-CNN §2.1 / Mask R-CNN §3: box-head RoI features are 7×7; mask-head ones 14×14. */
export const ROI_BOX_POOL_SIZE = 7;
export const ROI_MASK_POOL_SIZE = 14;
/** Mask R-CNN §3 RoIAlign: 2×2 sampling points per bin (4 regularly sampled locations). */
export const ROI_ALIGN_SAMPLING_RATIO = 2;
/** FPN §4.2: the box head is two 1024-d fully connected layers ("2fc"). */
export const ROI_FC_DIM = 1024;
/** Group Normalization Table 5 (Mask R-CNN with GN): the box head "4conv1fc", 4 convs of 256 + 1 fc, GN in every conv. */
export const ROI_HEAD_CONVS = 4;
export const ROI_CONV_DIM = 256;
/** Issue 7 / Detectron: 512 RoIs per image (Fast R-CNN §2.3 used 64), 25 % foreground at IoU ≥ 0.5. */
export const ROI_BATCH_PER_IMAGE = 512;
export const ROI_POSITIVE_FRACTION = 0.25;
export const ROI_FG_IOU = 0.5;
/** Fast R-CNN §2.3: background RoIs have IoU in [0.1, 0.5) ("hard examples"); Detectron uses [0, 0.5). */
export const ROI_BG_IOU_HARD = 0.1;
/** Fast R-CNN §2.3 smooth L1 (β = 1). */
export const ROI_SMOOTH_L1_BETA = 1;
/** Faster R-CNN inference (as detectron2): score > 0.05, per-class NMS at 0.5, 100 detections per image. */
export const ROI_SCORE_THRESHOLD = 0.05;
export const ROI_NMS_IOU = 0.5;
export const ROI_MAX_DETECTIONS = 100;
/** detectron2 FastRCNNOutputLayers init: class scores σ = 0.01, box deltas σ = 0.001. */
export const ROI_CLS_INIT_STD = 0.01;
export const ROI_BOX_INIT_STD = 0.001;

// ── Mask R-CNN mask branch ─────────────────────────────────────────────────────────────────────

/** Mask R-CNN §3 / Fig. 4 (FPN head): four 3×3 convs of 256 channels on the 14×14 RoI features. */
export const MASK_HEAD_CONVS = 4;
export const MASK_HEAD_DIM = 256;
/** Mask R-CNN §3: the 2×2 stride-2 deconvolution doubles 14×14 to the m×m = 28×28 mask of each class. */
export const MASK_SIZE = 28;
/** Mask R-CNN §3 "Inference": the m×m float mask is resized to the RoI and binarised at 0.5. */
export const MASK_THRESHOLD = 0.5;
/** detectron2 MaskRCNNConvUpsampleHead init: the 1×1 mask predictor drawn with σ = 0.001. */
export const MASK_PREDICTOR_INIT_STD = 0.001;

// ── Mask R-CNN keypoint head (human pose, §5) ──────────────────────────────────────────────────

/** Mask R-CNN §5: "a stack of eight 3×3 512-d conv layers" on the RoI features. */
export const KEYPOINT_HEAD_CONVS = 8;
export const KEYPOINT_HEAD_DIM = 512;
/**
 * Mask R-CNN §5: "followed by a deconv layer and 2× bilinear upscaling, producing an output
 * resolution of 56×56" — from 14×14 RoIAlign features, so the heatmap is 4× the pooled side.
 */
export const KEYPOINT_HEATMAP_SIZE = 56;
/** The heatmap side over the pooled RoI side: the 2× deconvolution then the 2× bilinear upscaling (§5: 14 → 56). */
export const KEYPOINT_UPSAMPLE = 4;
/** COCO person keypoints (Mask R-CNN §5 trains and tests on them): nose, eyes, ears, shoulders … ankles. */
export const COCO_NUM_KEYPOINTS = 17;
// ── R-CNN (Girshick et al. 2014, "Rich feature hierarchies …") ────────────────────────────────

/**
 * R-CNN §2.1 warps every region to the CNN's fixed input, 227×227 for its AlexNet (the lecture's
 * VGG-16 takes 224×224). Ablate's default is far smaller (`rcnn.warpSize`), for CPU-sized runs.
 */
export const RCNN_PAPER_WARP_SIZE = 227;
/**
 * R-CNN appendix A: before warping, the box is dilated so that the warped image has p = 16 pixels
 * of context around the original box (at the 227 px warp): a fraction 16/227 of the warp per side.
 */
export const RCNN_CONTEXT_PADDING = 16 / 227;
/**
 * R-CNN §2.3 (fine-tuning): regions with IoU ≥ 0.5 with a ground-truth box are positives for its
 * class, the rest background; mini-batches of 128 = 32 positive windows + 96 background (25 %).
 */
export const RCNN_FG_IOU = 0.5;
export const RCNN_BATCH_SIZE = 128;
export const RCNN_POSITIVE_FRACTION = 32 / 128;
/** R-CNN §2.1: about 2000 selective-search proposals per image at test time. */
export const RCNN_PROPOSALS_PER_IMAGE = 2000;
/**
 * Felzenszwalb & Huttenlocher 2004 §4: smooth with a Gaussian of σ = 0.8 before segmenting;
 * the minimum component size they use for their examples is 20 pixels.
 */
export const FH_SIGMA = 0.8;
export const FH_MIN_SIZE = 20;
