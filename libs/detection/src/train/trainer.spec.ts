import * as tf from '@tensorflow/tfjs-core';
import { TrainConfigSchema, type TrainConfig } from '../config';
import type { TrainBatch, TrainDataSource } from '../structures';
import { decodeCheckpoint, disposeCheckpoint } from './checkpoint';
import { trainDetector } from './trainer';
import type { TrainProgress } from './trainer-types';
import { useCpuBackend } from './testing/cpu-backend';
import { squaresSource } from './testing/squares-source';
import { buildTinyDetector } from './testing/tiny-detector';

beforeAll(useCpuBackend);

const source = () => squaresSource({ seed: 1, size: 32, batchSize: 4, batchesPerEpoch: 3, numClasses: 2 });
const config = (over: Partial<TrainConfig> = {}): TrainConfig =>
  TrainConfigSchema.parse({ optimizer: 'sgd', lr: 0.05, steps: 8, warmupSteps: 2, checkpointEvery: 1, ...over });

/** Trains a fresh tiny detector; returns per-step losses, checkpoints by step, and the result. */
async function run(train: TrainConfig, opts: { resumeFrom?: Uint8Array; stopAt?: number; src?: TrainDataSource } = {}) {
  const detector = buildTinyDetector({}, 0);
  const losses = new Map<number, number>();
  const checkpoints = new Map<number, Uint8Array>();
  let last = 0;
  const result = await trainDetector({
    detector,
    source: opts.src ?? source(),
    train,
    seed: 0,
    resumeFrom: opts.resumeFrom,
    hooks: {
      onProgress: (p: TrainProgress) => {
        losses.set(p.step, p.loss);
        last = p.step;
      },
      onCheckpoint: (bytes, step) => {
        checkpoints.set(step, bytes);
      },
      shouldStop: () => opts.stopAt !== undefined && last >= opts.stopAt,
    },
  });
  const weights = Array.from(detector.trainableVariables().get('head/cls/kernel')!.dataSync());
  detector.dispose();
  return { losses, checkpoints, result, weights };
}

describe('trainDetector', () => {
  it('resumes from a checkpoint at step k onto exactly the losses of an uninterrupted run', async () => {
    // Every piece of state in play: AdamW moments, EMA, clipping, warmup + cosine, BN moving mean,
    // and an epoch boundary (3 batches an epoch) inside the resumed part.
    const train = config({ optimizer: 'adamw', lr: 0.01, weightDecay: 0.01, emaDecay: 0.9, clipGradNorm: 5 });
    const full = await run(train);
    expect(full.result).toMatchObject({ status: 'completed', step: 8 });
    const stopped = await run(train, { stopAt: 4 });
    expect(stopped.result).toMatchObject({ status: 'stopped', step: 4 });
    const resumed = await run(train, { resumeFrom: stopped.checkpoints.get(4) });
    expect([...resumed.losses.keys()]).toEqual([5, 6, 7, 8]);
    for (const step of [5, 6, 7, 8]) expect(resumed.losses.get(step)).toBe(full.losses.get(step));
    expect(resumed.weights).toEqual(full.weights);
  });

  it('lowers the loss on a learnable task', async () => {
    const { losses } = await run(config({ steps: 30, optimizer: 'adam', lr: 0.01, checkpointEvery: 100 }));
    const mean = (from: number, to: number) => {
      let s = 0;
      for (let i = from; i <= to; i++) s += losses.get(i)!;
      return s / (to - from + 1);
    };
    // Measured on the cpu backend: ≈1.26 over steps 1–6, ≈0.21 over steps 25–30; demand a halving.
    expect(mean(25, 30)).toBeLessThan(0.5 * mean(1, 6));
  });

  it('extends a finished run when resumed with more steps (schedule recomputed)', async () => {
    const short = await run(config({ steps: 4 }));
    expect(short.checkpoints.has(4)).toBe(true);
    const longer = await run(config({ steps: 6 }), { resumeFrom: short.checkpoints.get(4) });
    expect(longer.result).toMatchObject({ status: 'completed', step: 6 });
    expect([...longer.losses.keys()]).toEqual([5, 6]);
    const ckpt = await decodeCheckpoint(longer.checkpoints.get(6)!);
    expect(ckpt.state).toMatchObject({ step: 6, totalSteps: 6, epoch: 2, batchIndex: 0 });
    disposeCheckpoint(ckpt);
  });

  it("stops with 'diverged' at the step whose loss is not finite, without updating weights", async () => {
    // Batch 2 of epoch 0 (the third step) carries a NaN pixel.
    const base = source();
    const poisoned: TrainDataSource = {
      batchesPerEpoch: base.batchesPerEpoch,
      numClasses: base.numClasses,
      async *batches(epoch, fromBatch = 0): AsyncIterable<TrainBatch> {
        let i = fromBatch;
        for await (const b of base.batches(epoch, fromBatch)) {
          if (epoch === 0 && i === 2) {
            const bad = tf.tidy(() => tf.mul(b.images, tf.scalar(Number.NaN)) as tf.Tensor4D);
            b.images.dispose();
            yield { ...b, images: bad };
          } else yield b;
          i++;
        }
      },
    };
    const diverged = await run(config(), { src: poisoned });
    expect(diverged.result.status).toBe('diverged');
    expect(diverged.result.step).toBe(3);
    expect(Number.isNaN(diverged.result.finalLoss)).toBe(true);
    expect([...diverged.checkpoints.keys()]).toEqual([1, 2]);
    const two = await run(config(), { stopAt: 2 });
    expect(diverged.weights).toEqual(two.weights);
  });

  it('leaves no tensor behind', async () => {
    const detector = buildTinyDetector({}, 0);
    const before = tf.memory().numTensors;
    await trainDetector({
      detector,
      source: source(),
      train: config({ steps: 4, optimizer: 'adam', emaDecay: 0.99, clipGradNorm: 1 }),
      seed: 0,
      hooks: { onCheckpoint: () => undefined },
    });
    expect(tf.memory().numTensors).toBe(before);
    detector.dispose();
  });

  it('refuses a checkpoint of another optimiser, naming the field', async () => {
    const { checkpoints } = await run(config({ steps: 1 }));
    await expect(run(config({ optimizer: 'adam' }), { resumeFrom: checkpoints.get(1) })).rejects.toThrow(/train.optimizer/);
  });
});
