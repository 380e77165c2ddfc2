/** The training images of the tiny R-CNN sweep, which its runs are also evaluated on. */
export const TINY_RCNN_TRAIN = 'synthetic:shapes?images=4&size=64&seed=1';

/**
 * An R-CNN sweep small enough for end-to-end tests: ResNet-18 at width 0.25 on 32 px warps, a 32-d
 * hidden layer, 8 regions per image, on 64 px synthetic shapes, `steps` steps of batch 2 (AdamW,
 * lr 4e-3) and a checkpoint at the end. Its sliding windows are three square sizes, half-overlapping.
 *
 * It is evaluated on its own 4 training images: an end-to-end test needs numbers that a broken path
 * would change, not generalisation. Measured with `ablate train` on this config, 60 steps (~5 CPU s):
 * segmentation proposals AP 0.233 / AP50 0.332, sliding windows AP 0.007 / AP50 0.047.
 */
export function tinyRcnnSweepSpec(options: { name: string; grid: Record<string, unknown[]>; steps: number }): Record<string, unknown> {
  return {
    name: options.name,
    dataset: { train: TINY_RCNN_TRAIN, val: TINY_RCNN_TRAIN },
    base: {
      model: { arch: 'rcnn', backbone: 'resnet18', backboneWidth: 0.25, inputSize: 64, numClasses: 7 },
      proposals: { slidingWindow: { sizes: [0.2, 0.35, 0.5], aspectRatios: [1], stride: 0.5 } },
      rcnn: { warpSize: 32, fcDim: 32, batchPerImage: 8 },
      train: { steps: options.steps, batchSize: 2, warmupSteps: 1, checkpointEvery: options.steps, optimizer: 'adamw', lr: 4e-3 },
    },
    grid: options.grid,
    seeds: 1,
  };
}
