import * as tf from '@tensorflow/tfjs-core';
import { readVariable } from '@ablate/config';
import { initBackend } from '@ablate/engine';
import { familyOf } from '../families/registry';
import { resolveInputSize } from '../families/model-defaults';
import { buildDetector } from '../models/build-detector';
import type { InstanceMasks, TrainBatch } from '../structures';
import { createOptimizer } from './optimizers';
import type { RunConfig } from './run-config';
import { trainStep } from './train-step';

/** What timing a model's training steps found. */
export interface StepCostMeasurement {
  /** Wall seconds of one training step (forward, backward, optimiser update) at the run's batch and input size. */
  secondsPerStep: number;
  /** Steps timed (after one untimed warm-up step, which allocates and compiles). */
  measuredSteps: number;
  /** The TensorFlow.js backend the steps ran on and its threads (a core-hour is a thread busy for an hour). */
  backend: string;
  threads: number;
}

export interface StepCostOptions {
  /** Timed steps. @defaultValue 2 */
  steps?: number;
}

/**
 * The config without the files a worker reads under its data root: R-CNN's `proposals.file` is
 * timed on sliding windows instead — a step costs its sampled regions (`rcnn.batchPerImage`), not
 * where they come from, and this process (the API) need not see the file.
 */
function withoutFiles(config: RunConfig): RunConfig {
  return config.proposals?.source === 'file' ? { ...config, proposals: { ...config.proposals, source: 'sliding-window' } } : config;
}

/**
 * Times real training steps of the detector `config` builds, at its `train.batchSize` and input
 * size, on this process's backend (`ABLATE_BACKEND`, as a worker picks it): a dry run's cost
 * estimate is measured, not modelled. The batch is synthetic (random pixels, two boxes an image,
 * masks filling them for a family that trains on masks): a step's cost depends on the shapes, not
 * on the pixels. Frees every tensor it made.
 */
export async function measureTrainStepSeconds(config: RunConfig, options: StepCostOptions = {}): Promise<StepCostMeasurement> {
  const steps = options.steps ?? 2;
  const info = await initBackend(readVariable('ABLATE_BACKEND'), { log: () => undefined });
  const detector = buildDetector(withoutFiles(config), { seed: config.seed, loadBackboneWeights: false });
  const optimizer = createOptimizer(config.train);
  const batch = syntheticBatch(config);
  try {
    const ctx = { detector, optimizer, clipGradNorm: config.train.clipGradNorm, seed: config.seed };
    await trainStep(ctx, batch, config.train.lr, 1);
    const start = performance.now();
    for (let s = 0; s < steps; s++) await trainStep(ctx, batch, config.train.lr, s + 2);
    const secondsPerStep = (performance.now() - start) / 1000 / steps;
    return { secondsPerStep, measuredSteps: steps, backend: info.backend, threads: info.threads };
  } finally {
    batch.images.dispose();
    optimizer.dispose();
    detector.dispose();
  }
}

/** A batch of the run's shape: `train.batchSize` random images at the input size, two boxes each. */
function syntheticBatch(config: RunConfig): TrainBatch {
  const size = resolveInputSize(config.model);
  const n = config.train.batchSize;
  const half = Math.floor(size / 2);
  // Two objects an image, a quarter and a ninth of it, so every level's anchors see a positive or two.
  const boxes = [0, 0, half, half, half, half, Math.min(size, half + Math.ceil(size / 3)), Math.min(size, half + Math.ceil(size / 3))];
  const labels = [0, Math.min(1, config.model.numClasses - 1)];
  const { masks, keypoints } = familyOf(config.model.arch).targets;
  return {
    images: tf.randomUniform([n, size, size, 3], -1, 1, 'float32', config.seed) as tf.Tensor4D,
    gtBoxes: Array.from({ length: n }, () => Float32Array.from(boxes)),
    gtLabels: Array.from({ length: n }, () => Int32Array.from(labels)),
    meta: Array.from({ length: n }, (_, i) => ({ imageId: i + 1, originalWidth: size, originalHeight: size, scale: 1, padX: 0, padY: 0, flipped: false })),
    ...(masks ? { gtMasks: Array.from({ length: n }, () => filledMasks(size, boxes)) } : {}),
    ...(keypoints ? { gtKeypoints: Array.from({ length: n }, () => spreadKeypoints(boxes, config.keypoints?.numKeypoints ?? 0)) } : {}),
  };
}

/** K visible keypoints a box, spread along its diagonal, so every RoI of the keypoint head has targets. */
function spreadKeypoints(boxes: number[], k: number): Float32Array {
  const count = boxes.length / 4;
  const out = new Float32Array(count * k * 3);
  for (let i = 0; i < count; i++) {
    const [x0, y0, x1, y1] = boxes.slice(i * 4, i * 4 + 4) as [number, number, number, number];
    for (let j = 0; j < k; j++) {
      const t = (j + 0.5) / k;
      out.set([x0 + t * (x1 - x0), y0 + t * (y1 - y0), 2], 3 * (i * k + j));
    }
  }
  return out;
}

/** Each box's mask filling its window. */
function filledMasks(inputSize: number, boxes: number[]): InstanceMasks {
  const count = boxes.length / 4;
  const windows = new Int32Array(count * 4);
  const offsets = new Int32Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const [x0, y0, x1, y1] = boxes.slice(i * 4, i * 4 + 4);
    windows.set([x0, y0, x1 - x0, y1 - y0], i * 4);
    offsets[i] = total;
    total += (x1 - x0) * (y1 - y0);
  }
  return { inputSize, windows, offsets, data: new Uint8Array(total).fill(1) };
}
