import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { TrainBatch } from '@ablate/detection';
import { boxesToOriginal } from '../augment/box-transforms';
import { DatasetError } from '../dataset/dataset-error';
import { syntheticShapes } from '../synthetic/synthetic-dataset';
import { createEvalBatches } from './eval-batches';
import { createTrainSource } from './train-source';

const AUGMENT = { flip: true, scaleJitter: [0.6, 1.4] as [number, number], photometric: true };

interface Plain {
  pixels: number[];
  gtBoxes: number[][];
  gtLabels: number[][];
  ids: number[];
}

/** Reads a batch into plain arrays and disposes its tensor. */
async function plain(batch: TrainBatch): Promise<Plain> {
  const pixels = Array.from(await batch.images.data());
  batch.images.dispose();
  return { pixels, gtBoxes: batch.gtBoxes.map((b) => Array.from(b)), gtLabels: batch.gtLabels.map((l) => Array.from(l)), ids: batch.meta.map((m) => m.imageId) };
}

async function collect(it: AsyncIterable<TrainBatch>): Promise<Plain[]> {
  const out: Plain[] = [];
  for await (const b of it) out.push(await plain(b));
  return out;
}

describe('createTrainSource', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  // 22 images, batch 4: 5 full batches, the last 2 images dropped.
  const dataset = syntheticShapes({ images: 22, size: 48, seed: 3 });

  it('yields [B, S, S, 3] float32 batches, drops the incomplete last batch, keeps boxes inside', async () => {
    const source = createTrainSource(dataset, { inputSize: 40, batchSize: 4, seed: 1, augment: AUGMENT });
    expect(source.batchesPerEpoch).toBe(5);
    expect(source.numClasses).toBe(7);
    let count = 0;
    const ids = new Set<number>();
    for await (const batch of source.batches(0)) {
      expect(batch.images.shape).toEqual([4, 40, 40, 3]);
      expect(batch.images.dtype).toBe('float32');
      batch.meta.forEach((m) => ids.add(m.imageId));
      for (const boxes of batch.gtBoxes) for (let i = 0; i < boxes.length; i += 4) expect(boxes[i]! >= 0 && boxes[i + 2]! <= 40 && boxes[i + 2]! > boxes[i]!).toBe(true);
      batch.gtLabels.forEach((l, k) => expect(l.length * 4).toBe(batch.gtBoxes[k]!.length));
      batch.images.dispose();
      count++;
    }
    expect(count).toBe(5);
    expect(ids.size).toBe(20);
  });

  it('is deterministic for (seed, epoch) whatever the prefetch depth, and epochs differ', async () => {
    const a = await collect(createTrainSource(dataset, { inputSize: 32, batchSize: 4, seed: 7, augment: AUGMENT, prefetch: 0 }).batches(1));
    const b = await collect(createTrainSource(dataset, { inputSize: 32, batchSize: 4, seed: 7, augment: AUGMENT, prefetch: 3 }).batches(1));
    expect(b).toEqual(a);
    const other = await collect(createTrainSource(dataset, { inputSize: 32, batchSize: 4, seed: 7, augment: AUGMENT }).batches(2));
    expect(other.map((x) => x.ids)).not.toEqual(a.map((x) => x.ids));
  });

  it('gives identical batches with the pixel work in worker threads', async () => {
    const main = await collect(createTrainSource(dataset, { inputSize: 32, batchSize: 4, seed: 7, augment: AUGMENT }).batches(1));
    const pooled = createTrainSource(dataset, { inputSize: 32, batchSize: 4, seed: 7, augment: AUGMENT, workers: 2 });
    try {
      expect(await collect(pooled.batches(1))).toEqual(main);
    } finally {
      await pooled.close();
    }
  });

  it('resumes: batches(e, k) are the batches k… of an uninterrupted epoch e', async () => {
    const source = createTrainSource(dataset, { inputSize: 32, batchSize: 4, seed: 2, augment: AUGMENT });
    const full = await collect(source.batches(3));
    const resumed = await collect(source.batches(3, 2));
    expect(resumed).toEqual(full.slice(2));
    expect(await collect(source.batches(3, 5))).toEqual([]);
    expect(() => source.batches(3, 6)).toThrow(RangeError);
  });

  it('leaves crowd boxes out of the targets', async () => {
    const img = dataset.images[0]!;
    const crowded = { ...dataset, images: [{ ...img, crowd: img.crowd.map((_, k) => (k === 0 ? 1 : 0)) }] };
    const [batch] = await collect(createTrainSource(crowded, { inputSize: 48, batchSize: 1, seed: 0 }).batches(0));
    expect(batch!.gtLabels[0]).toEqual(Array.from(img.labels.subarray(1)));
  });

  it('refuses a dataset smaller than one batch with a typed error', () => {
    expect(() => createTrainSource(syntheticShapes({ images: 3, size: 48 }), { inputSize: 32, batchSize: 4, seed: 0 })).toThrow(DatasetError);
  });

  it('leaks no tensor when the consumer stops early', async () => {
    const source = createTrainSource(dataset, { inputSize: 32, batchSize: 2, seed: 0, augment: AUGMENT, prefetch: 3 });
    const before = tf.memory().numTensors;
    for await (const batch of source.batches(0)) {
      batch.images.dispose();
      break;
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('createEvalBatches', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('yields every image once, in order, the last batch smaller, with meta that maps boxes back', async () => {
    const dataset = syntheticShapes({ images: 7, size: 64, seed: 5 });
    const batches = createEvalBatches(dataset, { inputSize: 32, batchSize: 3 });
    expect(batches.numBatches).toBe(3);
    const ids: number[] = [];
    const sizes: number[] = [];
    let k = 0;
    for await (const batch of batches) {
      sizes.push(batch.images.shape[0]);
      batch.images.dispose();
      batch.meta.forEach((m, j) => {
        ids.push(m.imageId);
        // 64 → 32: scale 0.5, pad 0, never flipped.
        expect(m).toMatchObject({ scale: 0.5, padX: 0, padY: 0, flipped: false, originalWidth: 64 });
        const original = dataset.images[k + j]!.boxes;
        expect(Array.from(boxesToOriginal(batch.gtBoxes[j]!, m, 32))).toEqual(Array.from(original));
      });
      k += batch.meta.length;
    }
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sizes).toEqual([3, 3, 1]);
  });
});
