import type { RunConfigInput } from '@ablate/detection';

/**
 * The detectors of `npm run bench:learn` (issue 5: RetinaNet, EfficientDet φ=0; issue 7: Faster
 * and Mask R-CNN) as RunConfigs on the synthetic shapes at 128×128, shared with the step
 * diagnostics (bench/step-profile.ts, bench/two-stage-profile.ts) so that they profile exactly
 * what the benchmark trains.
 */
export const SIZE = 128;
export const DATASET = {
  train: `synthetic:shapes?images=2048&size=${SIZE}&seed=0&split=train`,
  val: `synthetic:shapes?images=256&size=${SIZE}&seed=0&split=val`,
};
/**
 * The held-out split the goals are reported on (issue 15): a third stream of the same seed. The
 * arms' settings (matcher thresholds, pyramid levels, learning rate) were chosen on `val`; `test`
 * was never looked at while choosing them.
 */
export const TEST_DATASET = `synthetic:shapes?images=256&size=${SIZE}&seed=0&split=test`;

/** Shapes are 8–120 px and nearly square (h/w 0.76–1.30 for 90 %): P2–P6 with 8 px anchors at P2, one ratio. */
export const SHAPE_ANCHORS = { levels: [2, 3, 4, 5, 6], sizeMultiplier: 2, scalesPerOctave: 3, aspectRatios: [1] };
export const TRAIN = {
  optimizer: 'adamw',
  lr: 4e-3,
  weightDecay: 1e-4,
  batchSize: 8,
  warmupSteps: 50,
  warmupFactor: 0.01,
  schedule: 'cosine',
  clipGradNorm: 10,
  checkpointEvery: 1_000_000,
  augment: { flip: true, scaleJitter: [0.9, 1.1], photometric: false },
};

/**
 * The two-stage arms' common config. lr 4e-3: at 8e-3 both arms stalled (box AP50 0.03 after 1,150–1,570 steps, where
 * 4e-3 has 0.12 by step 280; docs/notes/benchmarks-history.md, Two-stage).
 */
const FASTER_RCNN: RunConfigInput = {
  dataset: DATASET,
  model: { arch: 'faster-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, norm: 'none', numClasses: 7, inputSize: SIZE },
  anchors: { levels: [2, 3, 4, 5, 6], sizeMultiplier: 2, scalesPerOctave: 2, aspectRatios: [1] },
  rpn: { features: 'fpn', shared: true },
  roi: { pooler: 'align', boxHead: '2fc', fcDim: 256, batchPerImage: 64 },
  train: TRAIN as RunConfigInput['train'],
};

/**
 * synthetic:people (issue 20) at 128×128 for the keypoint arm: 0–4 stick figures an image with the 17
 * COCO keypoints; train, val (settings chosen on it) and the held-out test stream of the same seed.
 */
export const PEOPLE_DATASET = {
  train: `synthetic:people?images=1024&size=${SIZE}&seed=0&split=train`,
  val: `synthetic:people?images=128&size=${SIZE}&seed=0&split=val`,
};
export const PEOPLE_TEST_DATASET = `synthetic:people?images=128&size=${SIZE}&seed=0&split=test`;

export interface Arm {
  name: 'retinanet' | 'efficientdet' | 'faster-rcnn' | 'mask-rcnn' | 'keypoint-rcnn';
  config: RunConfigInput;
  /**
   * Box AP50 (and AP); `maskAP50` the mask AP50 (segm) of a detector with masks; `keypointAP` the
   * keypoint AP (OKS) of a detector with keypoints.
   */
  goal: { AP50: number; AP?: number; maskAP50?: number; keypointAP?: number };
  /** CPU-minute budget of this arm when LEARN_MINUTES is not set (issue 7 gives the two-stage arms 30). */
  minutes?: number;
  /** Its held-out split, when its data is not the shapes' (TEST_DATASET). */
  testDataset?: string;
}
export const ARMS: Arm[] = [
  {
    name: 'retinanet',
    config: {
      dataset: DATASET,
      model: { arch: 'retinanet', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, headConvs: 2, numClasses: 7, inputSize: SIZE },
      anchors: SHAPE_ANCHORS,
      // Low-quality matches (detectron2's and mmdetection's RetinaNet matcher) and IoU thresholds 0.4 / 0.3 instead of the
      // paper's 0.5 / 0.4 (more positive anchors per shape; the 8–16 px shapes have few that reach 0.5): AP50 0.923 / AP
      // 0.668 in 15 CPU minutes (3,282 steps), against 0.890 / 0.62 in three runs at 0.5 / 0.4 (docs/notes/benchmarks-history.md, Learning).
      matcher: { lowQualityMatches: true, fgIou: 0.4, bgIou: 0.3 },
      // lr 1.2e-2 measured best of 2e-3 / 4e-3 / 8e-3 / 1.2e-2 (docs/notes/benchmarks-history.md, Learning).
      train: { ...TRAIN, lr: 1.2e-2 } as RunConfigInput['train'],
    },
    goal: { AP50: 0.9, AP: 0.6 },
  },
  {
    name: 'efficientdet',
    config: {
      dataset: DATASET,
      // φ=0 of EfficientDet Table 1 (BiFPN 64 ×3, D_class 3) but B0 at width 0.5, and on RetinaNet's levels here, P2–P6
      // (the paper's P3–P7 shifted down one octave): 44 % of the shapes are small (< 32²), and on P3–P7 27 % of those have no
      // anchor of IoU ≥ 0.5. With the engine's SIMD kernels a P2 step costs ~0.6 CPU s, and in 15 CPU minutes P2–P6 reached
      // AP50 0.913 in 1,181 steps against 0.793 in 1,564 on P3–P7 (docs/notes/benchmarks-history.md, Learning). Low-quality matches
      // (detectron2's and mmdetection's RetinaNet matcher) give every box its best anchors.
      model: { arch: 'efficientdet', phi: 0, backboneWidth: 0.5, numClasses: 7, inputSize: SIZE },
      anchors: SHAPE_ANCHORS,
      matcher: { lowQualityMatches: true },
      // lr 1.2e-2: AP50 0.203 at step 236 and 0.262 at step 356 (end), against 0.214 at step 385 and 0.285 at step 560 for
      // 4e-3 (docs/notes/benchmarks-history.md, Learning): more per step, which is what a CPU budget is short of.
      train: { ...TRAIN, lr: 1.2e-2 } as RunConfigInput['train'],
    },
    goal: { AP50: 0.85 },
  },
  {
    // Issue 7: Faster R-CNN with an FPN RPN (one size per level, 2 scales per octave here since the
    // shapes are 8–120 px), RoIAlign, 2fc box head of 256 (FPN §4.2 has 1024), 64 RoIs per image
    // (Fast R-CNN §2.3; 512 would quadruple the RoIAlign work), goal box AP50 ≥ 0.90 in 30 CPU min.
    name: 'faster-rcnn',
    minutes: 30,
    config: FASTER_RCNN,
    goal: { AP50: 0.9 },
  },
  {
    // Issue 7: Mask R-CNN = the faster-rcnn arm plus the mask branch (Mask R-CNN Fig. 4: 4 convs, 2×2
    // deconv to 28×28, per-class sigmoid on the GT class), 16 channels wide instead of 256 so that
    // the ≤ 16 positive RoIs per image cost less than the backbone; goal box AP50 ≥ 0.90 and mask
    // AP50 ≥ 0.85 in 30 CPU min. The masks are the shapes' exact visible pixels.
    name: 'mask-rcnn',
    minutes: 30,
    config: {
      ...FASTER_RCNN,
      model: { ...FASTER_RCNN.model, arch: 'mask-rcnn' },
      mask: { loss: 'sigmoid', convDim: 16, numConvs: 4 },
    },
    goal: { AP50: 0.9, maskAP50: 0.85 },
  },
  {
    // Issue 20: Keypoint R-CNN (Mask R-CNN §5) = the faster-rcnn arm on synthetic people (one class)
    // plus the keypoint head, at 28×28 heatmaps from 7×7 RoI features with 2 convs of 32 instead of
    // the paper's 56 / 14 / 8 × 512, so the ≤ 16 positive RoIs an image cost less than the backbone.
    // Goals set from its first run (2026-12-05, docs/benchmarks.md, learn): held-out keypoint AP 0.447 and
    // box AP50 0.851 after 5 CPU min (593 steps); the goals are those rounded down.
    name: 'keypoint-rcnn',
    // 5 CPU minutes: its run shares a 2-core machine with four other agents (load 15–18).
    minutes: 5,
    config: {
      ...FASTER_RCNN,
      dataset: PEOPLE_DATASET,
      model: { ...FASTER_RCNN.model, arch: 'keypoint-rcnn', numClasses: 1 },
      keypoints: { resolution: 28, convs: 2, channels: 32 },
    },
    testDataset: PEOPLE_TEST_DATASET,
    goal: { AP50: 0.8, keypointAP: 0.4 },
  },
];

/** The arm called `name`, or an error listing the names there are. */
export function armNamed(name: string): Arm {
  const arm = ARMS.find((a) => a.name === name);
  if (!arm) throw new Error(`unknown arm '${name}' (${ARMS.map((a) => a.name).join(', ')})`);
  return arm;
}

/** `over` merged into `base` key by key (objects recursively; arrays and values replace). */
export function mergeConfig<T>(base: T, over: unknown): T {
  if (over === null || typeof over !== 'object' || Array.isArray(over)) return over as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = mergeConfig(out[k], v);
  return out as T;
}
