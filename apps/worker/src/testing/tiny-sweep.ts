/**
 * A sweep small enough for end-to-end tests: a RetinaNet of a few thousand parameters on 32 px
 * synthetic shapes, `steps` steps of batch 2, checkpoints every `checkpointEvery` steps. Each run
 * takes a few seconds on one core; the numbers it produces are not the point, the plumbing is.
 */
export function tinySweepSpec(options: { name: string; grid: Record<string, unknown[]>; steps: number; checkpointEvery?: number }): Record<string, unknown> {
  return {
    name: options.name,
    dataset: {
      train: 'synthetic:shapes?images=16&size=32&seed=0&split=train',
      val: 'synthetic:shapes?images=8&size=32&seed=0&split=val',
    },
    base: {
      model: { arch: 'retinanet', backbone: 'resnet18', backboneWidth: 0.25, inputSize: 32, numClasses: 7, fpnChannels: 16, headConvs: 1 },
      anchors: { levels: [3, 4] },
      train: { steps: options.steps, batchSize: 2, warmupSteps: 2, checkpointEvery: options.checkpointEvery ?? 5 },
    },
    grid: options.grid,
    seeds: 1,
  };
}

/**
 * A sweep whose runs learn enough in seconds that their results differ: the same tiny RetinaNet
 * at 64 px on 32 images, anchors at P3–P5 with low-quality matches (as bench:learn), AdamW at
 * lr 1e-2, batch 4, `steps` steps. Measured with `ablate train`, 60 steps (~5 s on one core):
 * val AP50 0.065 / 0 / 0.055 / 0.128 for (γ, α) = (2, 0.25) / (0, 0.25) / (2, 0.75) / (0, 0.75) —
 * four different numbers, so a run shown in the wrong ablation cell is caught. At 32 px, or 12
 * steps, every AP is 0.
 */
export function learningSweepSpec(options: { name: string; grid: Record<string, unknown[]>; steps: number }): Record<string, unknown> {
  return {
    name: options.name,
    dataset: {
      train: 'synthetic:shapes?images=32&size=64&seed=0&split=train',
      val: LEARNING_SWEEP_VAL,
    },
    base: {
      model: { arch: 'retinanet', backbone: 'resnet18', backboneWidth: 0.25, inputSize: 64, numClasses: 7, fpnChannels: 16, headConvs: 1 },
      anchors: { levels: [3, 4, 5], sizeMultiplier: 2, aspectRatios: [1] },
      matcher: { lowQualityMatches: true, fgIou: 0.4, bgIou: 0.3 },
      train: { steps: options.steps, batchSize: 4, warmupSteps: 5, checkpointEvery: options.steps / 2, optimizer: 'adamw', lr: 0.01 },
    },
    grid: options.grid,
    seeds: 1,
  };
}

/** The validation split of `learningSweepSpec`, as its runs' final evaluations name it. */
export const LEARNING_SWEEP_VAL = 'synthetic:shapes?images=8&size=64&seed=0&split=val';
