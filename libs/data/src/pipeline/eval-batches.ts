import type { TrainBatch } from '@ablate/detection';
import type { Dataset } from '../dataset/dataset';
import { drawSampleTransform } from '../augment/augment-params';
import { Rng } from '../synthetic/prng';
import { toTrainBatch, type HostBatch } from './batch-assembly';
import { prefetch } from './prefetch';
import { prepareSample } from './prepare-sample';
import { RasterPool } from './raster-pool';
import { DEFAULT_PREFETCH } from './train-source';

export interface EvalBatchOptions {
  inputSize: number;
  batchSize: number;
  /** @defaultValue DEFAULT_PREFETCH (2) */
  prefetch?: number;
  /** Worker threads for the pixel work (see `TrainSourceOptions.workers`). @defaultValue 0 */
  workers?: number;
}

/** Evaluation batches: every image once, in dataset order, the last batch possibly smaller. */
export interface EvalBatches extends AsyncIterable<TrainBatch> {
  readonly numBatches: number;
  readonly numImages: number;
  /** Ends the worker threads, if any. */
  close(): Promise<void>;
}

/**
 * The evaluation input pipeline: no augmentation; each image letterboxed to the top-left of the
 * square input (scale = inputSize / max(w, h), pad 0), normalised as for training. `meta` maps
 * predictions back to original pixels with `boxesToOriginal`. Ground truth (non-crowd) is in input
 * pixels, for inspection; evaluation itself compares against `toCocoGroundTruth(dataset)`.
 */
export function createEvalBatches(dataset: Dataset, options: EvalBatchOptions): EvalBatches {
  const { inputSize, batchSize } = options;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const n = dataset.images.length;
  const numBatches = Math.ceil(n / batchSize);
  const pool = (options.workers ?? 0) > 0 ? new RasterPool(options.workers as number) : undefined;
  const produce = async (b: number): Promise<HostBatch> => {
    const images = dataset.images.slice(b * batchSize, (b + 1) * batchSize);
    const pixels = new Float32Array(images.length * inputSize * inputSize * 3);
    const samples = await Promise.all(
      images.map((image, slot) => {
        // No augmentation draws are made; the generator is only there to satisfy the signature.
        const transform = drawSampleTransform(image.id, image.width, image.height, inputSize, undefined, new Rng(0));
        return prepareSample(image, transform, inputSize, 0, pixels, slot * inputSize * inputSize * 3, pool);
      }),
    );
    return { pixels, samples, inputSize };
  };
  return {
    numBatches,
    numImages: n,
    close: async () => pool?.close(),
    [Symbol.asyncIterator]: async function* () {
      for await (const host of prefetch(0, numBatches, options.prefetch ?? DEFAULT_PREFETCH, produce)) yield toTrainBatch(host);
    },
  };
}
