/**
 * The common, CPU-sized settings of the recipes. The papers train ResNet-50/101 at 600–1024 px on
 * COCO for 90k iterations of 16 images; a recipe's default is a 2-core machine's: the synthetic
 * shapes (7 classes, @ablate/data) at 64–96 px and nets of well under a million parameters, each
 * run one to two minutes on one core (ten for the two-stage detectors), so that a recipe's table
 * ends well under an hour. `--dataset`, `--budget` and `--seeds` scale them up.
 */

/** Shapes at 64 px: 256 training images, 64 validation images of a split the training never sees. */
export const SHAPES_64 = {
  train: 'synthetic:shapes?images=256&size=64&seed=0&split=train',
  val: 'synthetic:shapes?images=64&size=64&seed=0&split=val',
};

/** Shapes at 96 px, for the two-stage detectors (their RoIs of 8 px shapes at 64 px are mostly below one P2 cell). */
export const SHAPES_96 = {
  train: 'synthetic:shapes?images=256&size=96&seed=0&split=train',
  val: 'synthetic:shapes?images=64&size=96&seed=0&split=val',
};

/**
 * Training of every recipe: AdamW at lr 1e-2 with a short warm-up and a cosine decay, as the
 * learning sweeps of the end-to-end tests (apps/worker/src/testing/tiny-sweep.ts) and bench:learn
 * (bench/learn-arms.ts; lr 1.2e-2 measured best there), which learn something in a few hundred
 * steps where the papers' SGD at lr 0.01 learns nothing. Checkpoints every 200 steps, so a
 * retried run loses little.
 */
export const CPU_TRAIN = { optimizer: 'adamw', lr: 0.01, warmupSteps: 20, checkpointEvery: 200 } as const;

/**
 * The RetinaNet of the recipes: ResNet-18 at a quarter width, FPN of 16 channels, one conv per
 * head subnet, P3–P5 with 8 px anchors at P3 and low-quality matches at 0.4 / 0.3 (the shapes are
 * 4–60 px at 64 px; bench/learn-arms.ts measured these matcher settings against the paper's
 * 0.5 / 0.4). 600 steps of 8 images: ~25 s on one core, AP ≈ 0.08 at γ = 0, α = 0.75
 * (measured with `ablate train`).
 */
export const TINY_RETINANET = {
  model: { arch: 'retinanet', backbone: 'resnet18', backboneWidth: 0.25, inputSize: 64, numClasses: 7, fpnChannels: 16, headConvs: 1 },
  anchors: { levels: [3, 4, 5], sizeMultiplier: 2, aspectRatios: [1] },
  matcher: { lowQualityMatches: true, fgIou: 0.4, bgIou: 0.3 },
  train: { ...CPU_TRAIN, steps: 600, batchSize: 8 },
};

/**
 * The EfficientDet of the recipes: φ's BiFPN and heads (EfficientDet Table 1) on B_φ at a quarter
 * width, at 64 px on P2–P5 (the paper's P3–P7 would leave the small shapes without anchors:
 * bench/learn-arms.ts moved down an octave for the same reason). 600 steps of 4 images.
 */
export const TINY_EFFICIENTDET = {
  model: { arch: 'efficientdet', phi: 0, backboneWidth: 0.25, inputSize: 64, numClasses: 7 },
  anchors: { levels: [2, 3, 4, 5], sizeMultiplier: 2, aspectRatios: [1] },
  matcher: { lowQualityMatches: true, fgIou: 0.4, bgIou: 0.3 },
  train: { ...CPU_TRAIN, steps: 600, batchSize: 4 },
};

/**
 * The Mask R-CNN of the recipes (Faster R-CNN without `mask`): ResNet-18 at a quarter width, FPN
 * of 16 channels on P2–P5, RoIAlign, a 2fc box head of 64, 32 RoIs per image (Fast R-CNN §2.3
 * samples 64), a mask head of two 8-channel convs (Mask R-CNN Fig. 4 has four of 256), at 96 px;
 * 400 steps of 4 images, lr 4e-3 (bench/learn-arms.ts: the two-stage arms stalled at 8e-3). A
 * worker trained it at ~2.8 images/s on one core (the FPN RPN and RoIAlign dominate), so a run
 * takes ~10 minutes and a recipe's four runs ~20 on two cores.
 */
export const TINY_MASK_RCNN = {
  model: { arch: 'mask-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, norm: 'none', inputSize: 96, numClasses: 7 },
  anchors: { levels: [2, 3, 4, 5], sizeMultiplier: 2, scalesPerOctave: 2, aspectRatios: [1] },
  rpn: { features: 'fpn', shared: true },
  roi: { pooler: 'align', boxHead: '2fc', fcDim: 64, batchPerImage: 32 },
  mask: { loss: 'sigmoid', convDim: 8, numConvs: 2 },
  train: { ...CPU_TRAIN, lr: 0.004, steps: 400, batchSize: 4 },
};

/** The Faster R-CNN of the recipes: TINY_MASK_RCNN without the mask branch. */
export const TINY_FASTER_RCNN = (() => {
  const { mask: _mask, ...rest } = TINY_MASK_RCNN;
  return { ...rest, model: { ...TINY_MASK_RCNN.model, arch: 'faster-rcnn' } };
})();
