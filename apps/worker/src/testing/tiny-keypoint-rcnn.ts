/** The training images of the tiny Keypoint R-CNN sweep, which its runs are also evaluated on. */
export const TINY_KEYPOINT_RCNN_TRAIN = 'synthetic:people?images=4&size=64&seed=1';

/**
 * A Keypoint R-CNN sweep small enough for end-to-end tests: the CPU-sized two-stage detector of
 * the Mask R-CNN end-to-end test (ResNet-18 at width 0.25, 16-channel FPN on levels 2–3, a 32-d
 * box head) with a one-conv, 16-wide keypoint head at 16×16 heatmaps of the 17 COCO keypoints, on
 * 64 px synthetic people, `steps` steps of batch 2 (AdamW, lr 4e-3) and a checkpoint at the end.
 * It is evaluated on its own 4 training images: an end-to-end test needs numbers that a broken
 * path would change, not generalisation. Measured with runTraining on this config (2026-12-05):
 * after 60 steps box AP50 0.41, keypoint AP50 0.064 and AR50 0.33; after 40 steps keypoint AP 0;
 * after 100 steps at lr 2e-3 box AP50 0.19, keypoint AP50 0.061.
 */
export function tinyKeypointRcnnSweepSpec(options: { name: string; grid: Record<string, unknown[]>; steps: number }): Record<string, unknown> {
  return {
    name: options.name,
    dataset: { train: TINY_KEYPOINT_RCNN_TRAIN, val: TINY_KEYPOINT_RCNN_TRAIN },
    base: {
      model: { arch: 'keypoint-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, inputSize: 64, numClasses: 1, norm: 'none' },
      anchors: { levels: [2, 3], scalesPerOctave: 2, sizeMultiplier: 6, aspectRatios: [1] },
      rpn: { batchPerImage: 64, trainProposals: 100, proposals: 30, preNmsTopKTrain: 200, preNmsTopKTest: 100 },
      roi: { fcDim: 32, batchPerImage: 16 },
      keypoints: { resolution: 16, convs: 1, channels: 16 },
      train: { steps: options.steps, batchSize: 2, warmupSteps: 1, checkpointEvery: options.steps, optimizer: 'adamw', lr: 4e-3 },
    },
    grid: options.grid,
    seeds: 1,
  };
}
