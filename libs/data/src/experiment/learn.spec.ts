import { buildDetector, evaluateDetector, parseRunConfig } from '@ablate/detection';
import { initBackend } from '@ablate/engine';
import { loadDataset } from '../uri/load-dataset';
import { evalSourceOf } from './eval-source';
import { runTraining } from './run-training';

/**
 * "They must learn" (issue 5): a tiny RetinaNet trained for a fixed number of steps (about a
 * CPU-minute on the wasm backend) on 64×64 synthetic shapes must lower its loss and score an AP50
 * far above the untrained model's, through the same `runTraining` the CLI and the worker use.
 */
const config = parseRunConfig({
  dataset: {
    train: 'synthetic:shapes?images=512&size=64&seed=3&split=train',
    val: 'synthetic:shapes?images=64&size=64&seed=3&split=val',
  },
  model: { arch: 'retinanet', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, headConvs: 1, inputSize: 64, numClasses: 7 },
  // Shapes are 8–60 px and nearly square: 8 px anchors on P2 up to 64 px on P5, one ratio.
  anchors: { levels: [2, 3, 4, 5], sizeMultiplier: 2, scalesPerOctave: 2, aspectRatios: [1] },
  train: {
    optimizer: 'adamw',
    lr: 3e-3,
    weightDecay: 1e-4,
    steps: 160,
    batchSize: 8,
    warmupSteps: 10,
    warmupFactor: 0.1,
    schedule: 'cosine',
    checkpointEvery: 1000,
    augment: { flip: true, scaleJitter: [1, 1], photometric: false },
  },
  seed: 3,
});

describe('a tiny RetinaNet learns synthetic shapes', () => {
  it('lowers its loss and lifts AP50 far above the untrained model', { timeout: 30 * 60_000 }, async () => {
    await initBackend('wasm', { log: () => undefined });
    const untrained = buildDetector(config, { seed: config.seed });
    const val = await loadDataset(config.dataset.val);
    const before = await evaluateDetector(untrained, evalSourceOf(val, { inputSize: 64, batchSize: 16 }));
    untrained.dispose();

    const losses: number[] = [];
    const { result, evaluation } = await runTraining(config, { hooks: { onProgress: (p) => void losses.push(p.loss) } });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(losses.slice(0, 10));
    const last = mean(losses.slice(-10));
    const ap50 = evaluation!.coco.stats.AP50;
    console.info(
      `learn: loss ${first.toFixed(3)} → ${last.toFixed(3)}; AP50 ${before.coco.stats.AP50.toFixed(4)} → ${ap50.toFixed(4)}, AP ${evaluation!.coco.stats.AP.toFixed(4)}`,
    );
    // Measured (wasm, this seed): loss 1.49 → 0.83; AP50 0.000 → 0.147 (AP 0.044). The run is
    // deterministic on one backend; the bounds leave room for another backend's rounding.
    expect(result).toMatchObject({ status: 'completed', step: 160 });
    expect(last).toBeLessThan(0.7 * first);
    expect(before.coco.stats.AP50).toBeLessThan(0.01);
    expect(ap50).toBeGreaterThan(0.1);
  });
});
