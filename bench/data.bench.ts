/**
 * `npm run bench:data`: the input pipeline's throughput (decode + augment + batch) at 128, 256
 * and 512 px, from PNG files written by `writeSyntheticCoco` and from the in-memory synthetic set,
 * and what the pipeline adds to the wall time of training a small conv net on the wasm backend,
 * with and without prefetching, and with the pixel work in a worker thread. Ratios are taken against baselines measured in this same run:
 * the trainer alone on a cached batch, and the pipeline without prefetch. Ends with one JSON line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createTrainSource, loadDataset, syntheticShapes, writeSyntheticCoco, type Dataset } from '@ablate/data';
import { type TrainBatch } from '@ablate/detection';
import { initBackend } from '@ablate/engine';
import { finishBench } from './record';

const SIZES = [128, 256, 512] as const;
const BATCH = 8;
/** Batches an epoch of the throughput runs: 6 × 8 = 48 images per size and source. */
const THROUGHPUT_BATCHES = 6;
/** Training steps per overlap measurement (fewer at 512 px, where a wasm step takes seconds). */
const STEPS: Record<number, number> = { 128: 6, 256: 4, 512: 2 };
/** Interleaved rounds per variant; medians are reported (the machine is shared and noisy). */
const ROUNDS = 3;
const AUGMENT = { flip: true, scaleJitter: [0.8, 1.2] as [number, number], photometric: true };

const now = (): number => performance.now();
const round = (v: number, digits = 2): number => Number(v.toFixed(digits));
const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Pipeline alone: images per second over an epoch, tensors disposed at once. */
async function pipelineRate(dataset: Dataset, size: number, prefetch: number): Promise<number> {
  const source = createTrainSource(dataset, { inputSize: size, batchSize: BATCH, seed: 1, augment: AUGMENT, prefetch });
  const t0 = now();
  let images = 0;
  for await (const batch of source.batches(0)) {
    images += batch.images.shape[0];
    batch.images.dispose();
  }
  return images / ((now() - t0) / 1000);
}

/**
 * A small conv net standing in for a detector's training step: four 3×3 stride-2 convolutions
 * (3→16→32→64→128 channels, ReLU), a 1×1 head to 9 outputs, squared error against zeros, SGD.
 */
function makeTrainer(): { step(images: tf.Tensor4D): void; dispose(): void } {
  const shapes: [number, number, number, number][] = [[3, 3, 3, 16], [3, 3, 16, 32], [3, 3, 32, 64], [3, 3, 64, 128], [1, 1, 128, 9]];
  const weights = shapes.map((s, i) => tf.variable(tf.randomNormal(s, 0, Math.sqrt(2 / (s[0] * s[1] * s[2])), 'float32', i + 1)));
  const optimizer = tf.train.sgd(1e-3);
  return {
    step(images) {
      tf.tidy(() => {
        const cost = optimizer.minimize(() => {
          let x: tf.Tensor4D = images;
          weights.forEach((w, i) => {
            const last = i === weights.length - 1;
            x = tf.conv2d(x, w as tf.Tensor4D, last ? 1 : 2, 'same');
            if (!last) x = tf.relu(x);
          });
          return tf.mean(tf.square(x)) as tf.Scalar;
        }, true);
        cost?.dataSync();
      });
    },
    dispose() {
      weights.forEach((w) => w.dispose());
      optimizer.dispose();
    },
  };
}

/**
 * `steps` training steps fed by the pipeline: the wall time (ms) and the part of it the trainer
 * spent waiting in `next()` for its batch. In one Node thread the pipeline's own JS work runs
 * while the trainer awaits, so `wait` is everything the data side costs the trainer.
 */
async function fed(
  dataset: Dataset,
  size: number,
  prefetch: number,
  trainer: ReturnType<typeof makeTrainer>,
  steps: number,
  workers = 0,
): Promise<{ wall: number; wait: number }> {
  const source = createTrainSource(dataset, { inputSize: size, batchSize: BATCH, seed: 2, augment: AUGMENT, prefetch, workers });
  const it = source.batches(0)[Symbol.asyncIterator]();
  // The first batch is not timed: a trainer starts with its first batch ready.
  let next = await it.next();
  let wait = 0;
  const t0 = now();
  for (let s = 0; s < steps && !next.done; s++) {
    const batch: TrainBatch = next.value;
    trainer.step(batch.images);
    batch.images.dispose();
    const w0 = now();
    next = await it.next();
    wait += now() - w0;
  }
  const wall = now() - t0;
  if (!next.done) next.value.images.dispose();
  await it.return?.();
  await source.close();
  return { wall, wait };
}

async function main(): Promise<void> {
  await initBackend('wasm', { log: () => undefined });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ablate-bench-data-'));
  const figures: Record<string, number | string> = { backend: tf.getBackend(), batch: BATCH };
  try {
    for (const size of SIZES) {
      const images = BATCH * THROUGHPUT_BATCHES;
      await writeSyntheticCoco(path.join(root, `s${size}`), { images, size, seed: 1 });
      const png = await loadDataset(`coco:s${size}/train.json?images=s${size}/train`, { dataRoot: root });
      const memory = syntheticShapes({ images, size, seed: 1 });
      await pipelineRate(memory, size, 0); // warm-up (JIT)
      const rates = { png: [] as number[], png2: [] as number[], mem: [] as number[] };
      for (let r = 0; r < ROUNDS; r++) {
        rates.png.push(await pipelineRate(png, size, 0));
        rates.png2.push(await pipelineRate(png, size, 2));
        rates.mem.push(await pipelineRate(memory, size, 0));
      }
      const pngRate = median(rates.png);

      // Baseline: the trainer alone, on one batch prepared beforehand. Then the same steps fed by
      // the pipeline without and with prefetch; rounds interleaved so load drifts hit all three.
      const steps = STEPS[size]!;
      const trainer = makeTrainer();
      const cached = createTrainSource(memory, { inputSize: size, batchSize: BATCH, seed: 3, augment: AUGMENT });
      const first = (await cached.batches(0)[Symbol.asyncIterator]().next()).value as TrainBatch;
      trainer.step(first.images); // warm-up
      const walls = { alone: [] as number[], fed0: [] as number[], fed2: [] as number[], fed2w: [] as number[], mem0: [] as number[], mem2w: [] as number[] };
      // Waiting for data as a fraction of the time spent training (wall − wait), per round.
      const waits = { fed0: [] as number[], fed2: [] as number[], fed2w: [] as number[], mem0: [] as number[], mem2w: [] as number[] };
      const record = (key: keyof typeof waits, r: { wall: number; wait: number }): void => {
        walls[key].push(r.wall);
        waits[key].push(r.wait / (r.wall - r.wait));
      };
      for (let r = 0; r < ROUNDS; r++) {
        const t0 = now();
        for (let s = 0; s < steps; s++) trainer.step(first.images);
        walls.alone.push(now() - t0);
        record('fed0', await fed(png, size, 0, trainer, steps));
        record('fed2', await fed(png, size, 2, trainer, steps));
        record('fed2w', await fed(png, size, 2, trainer, steps, 1));
        record('mem0', await fed(memory, size, 0, trainer, steps));
        record('mem2w', await fed(memory, size, 2, trainer, steps, 1));
      }
      first.images.dispose();
      trainer.dispose();
      const trainOnly = median(walls.alone);
      const stepMs = trainOnly / steps;
      const row = {
        pngImagesPerSec: round(pngRate, 1),
        pngImagesPerSecPrefetch2: round(median(rates.png2), 1),
        memoryImagesPerSec: round(median(rates.mem), 1),
        trainStepMs: round(stepMs, 1),
        // The pipeline's own time for one batch, as a fraction of one training step.
        pipelineMsPerBatch: round((BATCH / pngRate) * 1000, 1),
        pipelineShareOfStep: round(((BATCH / pngRate) * 1000) / stepMs, 3),
        waitShareNoPrefetch: round(median(waits.fed0), 3),
        waitSharePrefetch2: round(median(waits.fed2), 3),
        waitSharePrefetch2Worker1: round(median(waits.fed2w), 3),
        memoryWaitShareNoPrefetch: round(median(waits.mem0), 3),
        memoryWaitSharePrefetch2Worker1: round(median(waits.mem2w), 3),
        addedNoPrefetch: round(median(walls.fed0) / trainOnly - 1, 3),
        addedPrefetch2: round(median(walls.fed2) / trainOnly - 1, 3),
        addedPrefetch2Worker1: round(median(walls.fed2w) / trainOnly - 1, 3),
      };
      console.log(
        `${size} px: decode+augment+batch ${row.pngImagesPerSec} img/s from PNG (${row.pngImagesPerSecPrefetch2} with prefetch 2), ` +
          `${row.memoryImagesPerSec} img/s in memory; train step (small conv net, wasm, batch ${BATCH}) ${row.trainStepMs} ms; ` +
          `pipeline = ${(row.pipelineShareOfStep * 100).toFixed(1)} % of a step; trainer waits for data ` +
          `${pct(row.waitShareNoPrefetch)} of its training time without prefetch, ${pct(row.waitSharePrefetch2)} with prefetch 2, ` +
          `${pct(row.waitSharePrefetch2Worker1)} with prefetch 2 and 1 worker thread (in-memory synthetic: ${pct(row.memoryWaitShareNoPrefetch)} ` +
          `without prefetch, ${pct(row.memoryWaitSharePrefetch2Worker1)} with prefetch 2 and 1 worker); wall vs trainer alone over ${steps} steps: ` +
          `${pct(row.addedNoPrefetch)} / ${pct(row.addedPrefetch2)} / ${pct(row.addedPrefetch2Worker1)}`,
      );
      for (const [k, v] of Object.entries(row)) figures[`${k}_${size}`] = v;
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  finishBench('data', SIZES.map((size) => ({
    figure: `input pipeline at ${size} px (PNG → augmented batch 8, prefetch 2, 1 worker thread): trainer's wait for data`,
    value: pct(Number(figures[`waitSharePrefetch2Worker1_${size}`])),
    baseline: `same trainer alone on a cached batch (${figures[`trainStepMs_${size}`]} ms a step); without prefetch ${pct(Number(figures[`waitShareNoPrefetch_${size}`]))}`,
    goal: null,
    met: null,
  })), figures);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
