/**
 * The demo's sweep: focal loss γ ∈ {0, 1, 2} × α ∈ {0.25, 0.75} (RetinaNet paper, Table 1a/1b
 * vary the same two parameters) on synthetic shapes, with a RetinaNet small enough that six runs
 * train on two CPU cores in a few minutes and still separate: γ = 0 (α-balanced cross-entropy)
 * against γ = 2, α = 0.25 against 0.75.
 */
export function demoSweepSpec(steps: number): Record<string, unknown> {
  return {
    name: 'demo: focal loss γ × α on synthetic shapes',
    dataset: {
      train: 'synthetic:shapes?images=256&size=64&seed=0&split=train',
      val: 'synthetic:shapes?images=64&size=64&seed=0&split=val',
    },
    base: {
      model: { arch: 'retinanet', backbone: 'resnet18', backboneWidth: 0.25, inputSize: 64, numClasses: 7, fpnChannels: 32, headConvs: 2 },
      // Shapes of 9–55 px (5th–95th percentile of sqrt(area)) at 64 px: anchors of 16–101 px (2·2^l over
      // levels 3–5, three scales per octave) cover them; RetinaNet's 4·2^l would start at 32 px.
      anchors: { levels: [3, 4, 5], sizeMultiplier: 2 },
      train: {
        optimizer: 'adam',
        lr: 0.002,
        steps,
        batchSize: 8,
        warmupSteps: Math.round(steps / 10),
        schedule: 'cosine',
        checkpointEvery: Math.max(10, Math.round(steps / 5)),
      },
    },
    grid: { gamma: [0, 1, 2], alpha: [0.25, 0.75] },
    seeds: 1,
  };
}
