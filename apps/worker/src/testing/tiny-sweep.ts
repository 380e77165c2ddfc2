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
