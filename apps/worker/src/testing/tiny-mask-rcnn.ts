/** The training images of the tiny Mask R-CNN sweep, which its runs are also evaluated on. */
export const TINY_MASK_RCNN_TRAIN = 'synthetic:shapes?images=4&size=64&seed=1';

/**
 * A Mask R-CNN sweep small enough for end-to-end tests: the CPU-sized two-stage detector of the
 * worker's segm glue spec (ResNet-18 at width 0.25, 16-channel FPN on levels 2–3, a 32-d box
 * head, a 16-d one-conv mask head) on 64 px synthetic shapes, `steps` steps of batch 2 (AdamW,
 * lr 2e-3) and a checkpoint at the end.
 *
 * It is evaluated on its own 4 training images: an end-to-end test needs numbers that a broken
 * path would change, not generalisation. Measured with `ablate train` on this config: after 100
 * steps (~8 s on one core) box AP 0.21 / AP50 0.58 and mask AP 0.005 / AP50 0.05; after 2 steps
 * both are 0, and at 200–300 steps of lr 4e-3 on held-out images the net collapsed to 0 again.
 */
export function tinyMaskRcnnSweepSpec(options: { name: string; grid: Record<string, unknown[]>; steps: number }): Record<string, unknown> {
  return {
    name: options.name,
    dataset: { train: TINY_MASK_RCNN_TRAIN, val: TINY_MASK_RCNN_TRAIN },
    base: {
      model: { arch: 'mask-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, inputSize: 64, numClasses: 7, norm: 'none' },
      anchors: { levels: [2, 3], scalesPerOctave: 2, sizeMultiplier: 6, aspectRatios: [1] },
      rpn: { batchPerImage: 64, trainProposals: 100, proposals: 30, preNmsTopKTrain: 200, preNmsTopKTest: 100 },
      roi: { fcDim: 32, batchPerImage: 16 },
      mask: { convDim: 16, numConvs: 1 },
      train: { steps: options.steps, batchSize: 2, warmupSteps: 1, checkpointEvery: options.steps, optimizer: 'adamw', lr: 2e-3 },
    },
    grid: options.grid,
    seeds: 1,
  };
}
