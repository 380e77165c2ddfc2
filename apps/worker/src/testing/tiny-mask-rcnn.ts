/** The validation split of the tiny Mask R-CNN sweep, as its runs' final evaluation names it. */
export const TINY_MASK_RCNN_VAL = 'synthetic:shapes?images=3&size=64&seed=2&split=val';

/**
 * A Mask R-CNN sweep small enough for end-to-end tests: the CPU-sized two-stage detector of the
 * worker's segm glue spec (ResNet-18 at width 0.25, 16-channel FPN on levels 2–3, a 32-d box
 * head, an 8-d one-conv mask head) on 64 px synthetic shapes, `steps` steps of batch 2 and a
 * checkpoint at the end. A run takes seconds; its mask AP is near zero — the plumbing is the point.
 */
export function tinyMaskRcnnSweepSpec(options: { name: string; grid: Record<string, unknown[]>; steps: number }): Record<string, unknown> {
  return {
    name: options.name,
    dataset: { train: 'synthetic:shapes?images=4&size=64&seed=1', val: TINY_MASK_RCNN_VAL },
    base: {
      model: { arch: 'mask-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, inputSize: 64, numClasses: 7, norm: 'none' },
      anchors: { levels: [2, 3], scalesPerOctave: 2, sizeMultiplier: 6, aspectRatios: [1] },
      rpn: { batchPerImage: 64, trainProposals: 100, proposals: 30, preNmsTopKTrain: 200, preNmsTopKTest: 100 },
      roi: { fcDim: 32, batchPerImage: 16 },
      mask: { convDim: 8, numConvs: 1 },
      train: { steps: options.steps, batchSize: 2, warmupSteps: 1, checkpointEvery: options.steps },
    },
    grid: options.grid,
    seeds: 1,
  };
}
