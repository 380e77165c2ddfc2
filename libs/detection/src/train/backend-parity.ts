import { initBackend, variableGradsAsync } from '@ablate/engine';
import * as tf from '@tensorflow/tfjs-core';
import type { DetectorConfig } from '../config';
import { buildDetector } from '../models/build-detector';
import type { TrainBatch, TrainDataSource } from '../structures';
import { createOptimizer } from './optimizers';
import { trainStep } from './train-step';

/**
 * A backend against a reference backend on the same detector and batches: the device check of a
 * new backend (the webgpu specs on lavapipe, `npm run bench:gpu` on a real GPU). Both build the
 * detector from the same seed, so they start from the same weights.
 */

async function use(backend: string): Promise<void> {
  await initBackend(backend, { log: () => undefined });
}

/** The batches of a source's first epoch, made on the current backend (the caller disposes their images). */
async function batchesOf(source: TrainDataSource): Promise<TrainBatch[]> {
  const out: TrainBatch[] = [];
  for await (const b of source.batches(0)) out.push(b);
  return out;
}

const norm = (g: Float32Array): number => Math.sqrt(g.reduce((s, v) => s + v * v, 0));

/** The loss gradient of every trainable variable on the source's first batch, on `backend`, by variable name. */
async function gradientsOn(backend: string, config: DetectorConfig, source: () => TrainDataSource): Promise<Map<string, Float32Array>> {
  await use(backend);
  const detector = buildDetector(config, { seed: 1, loadBackboneWeights: false });
  const [batch, ...rest] = await batchesOf(source());
  tf.dispose(rest.map((b) => b.images));
  const byVar = new Map<string, Float32Array>();
  try {
    const names = new Map([...detector.trainableVariables()].map(([name, v]) => [v.name, name]));
    const { value, grads } = await variableGradsAsync(async () => {
      const l = await detector.trainingLoss(batch!, { step: 1, seed: 0 });
      tf.dispose(Object.values(l.parts));
      return l.total;
    }, [...detector.trainableVariables().values()]);
    for (const [id, t] of Object.entries(grads)) byVar.set(names.get(id)!, (await t.data()) as Float32Array);
    tf.dispose([value, ...Object.values(grads)]);
  } finally {
    tf.dispose(batch!.images);
    detector.dispose();
  }
  return byVar;
}

/**
 * Per trainable variable, ‖g − g_ref‖ / ‖g_ref‖ of the loss gradient on the source's first batch.
 * A variable whose true gradient is 0 (a batch-norm shift that the next batch norm removes: the
 * ~1e-8 gradients of EfficientNet's project_bn biases) has only rounding noise to compare, so errors
 * are measured against at least 1e-3 of the largest variable's gradient norm.
 * @throws Error when the two backends give gradients to different variables.
 */
export async function gradientErrors(config: DetectorConfig, source: () => TrainDataSource, backend: string, reference = 'cpu'): Promise<number[]> {
  const ref = await gradientsOn(reference, config, source);
  const got = await gradientsOn(backend, config, source);
  const names = [...ref.keys()].sort().join(',');
  if ([...got.keys()].sort().join(',') !== names) throw new Error(`${backend} and ${reference} give gradients to different variables`);
  const floor = 1e-3 * Math.max(...[...ref.values()].map(norm));
  return [...ref].map(([name, r]) => {
    const g = got.get(name)!;
    return norm(g.map((v, i) => v - r[i]!)) / Math.max(norm(r), floor);
  });
}

/**
 * The loss and its parts (sorted by name) of each Adam step over the source's first epoch, from
 * the initial weights of seed 1, on `backend`.
 * @throws Error when the steps leave a tensor behind.
 */
export async function trainedLosses(backend: string, config: DetectorConfig, source: () => TrainDataSource): Promise<number[][]> {
  await use(backend);
  const before = tf.memory().numTensors;
  const detector = buildDetector(config, { seed: 1, loadBackboneWeights: false });
  const optimizer = createOptimizer({ optimizer: 'adam', momentum: 0.9, weightDecay: 0 });
  const losses: number[][] = [];
  try {
    for (const [i, batch] of (await batchesOf(source())).entries()) {
      try {
        const r = await trainStep({ detector, optimizer, seed: 0 }, batch, 1e-3, i + 1);
        losses.push([r.loss, ...Object.keys(r.parts).sort().map((k) => r.parts[k]!)]);
      } finally {
        batch.images.dispose();
      }
    }
  } finally {
    optimizer.dispose();
    detector.dispose();
  }
  const left = tf.memory().numTensors - before;
  if (left !== 0) throw new Error(`training on ${backend} left ${left} tensors behind`);
  return losses;
}

/** The median of `xs` (the upper one of an even count). */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
