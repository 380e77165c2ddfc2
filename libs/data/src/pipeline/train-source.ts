import type { TrainBatch, TrainDataSource } from '@ablate/detection';
import { datasetHasMasks, datasetKeypointCount, datasetKeypointNames, type Dataset } from '../dataset/dataset';
import { keypointFlipPermutation } from '../dataset/keypoints';
import { DatasetError } from '../dataset/dataset-error';
import { drawSampleTransform, type AugmentConfig } from '../augment/augment-params';
import { mixSeed, permutation, Rng } from '../synthetic/prng';
import { toTrainBatch, type HostBatch } from './batch-assembly';
import { prefetch } from './prefetch';
import { prepareSample, type KeypointTargets } from './prepare-sample';
import { RasterPool } from './raster-pool';

/** Boxes keeping less than this fraction of their area inside the input after a crop are dropped. */
export const DEFAULT_MIN_VISIBLE_FRACTION = 0.3;
/** Batches prepared ahead of the consumer. */
export const DEFAULT_PREFETCH = 2;

const ORDER_STREAM = 0x0de7;
const AUGMENT_STREAM = 0xa46;

export interface TrainSourceOptions {
  /** Side of the square network input, pixels. */
  inputSize: number;
  batchSize: number;
  /** Seed of the data order and of augmentation. */
  seed: number;
  /** Augmentation switches (`train.augment` of a RunConfig); absent or false: letterbox only. */
  augment?: AugmentConfig | false;
  /** Batches prepared ahead. @defaultValue DEFAULT_PREFETCH (2) */
  prefetch?: number;
  /** @defaultValue DEFAULT_MIN_VISIBLE_FRACTION (0.3) */
  minVisibleFraction?: number;
  /**
   * Worker threads for the pixel work (see RasterPool); 0 keeps it on the main thread. Worth it
   * when a core is free beside the trainer's; results are identical either way. @defaultValue 0
   */
  workers?: number;
  /**
   * Also carry each box's instance mask into `TrainBatch.gtMasks` (input pixels, augmented with
   * the pixels): what a Mask R-CNN trains on. The dataset must have masks (datasetHasMasks).
   * @defaultValue false
   */
  masks?: boolean;
  /**
   * Also carry each box's keypoints into `TrainBatch.gtKeypoints` (N·K·3 in input pixels, mirrored
   * and renamed left ↔ right with a flip): what a keypoint head trains on. The dataset's categories
   * must name keypoints (datasetKeypointCount > 0). @defaultValue false
   */
  keypoints?: boolean;
}

/** K and the flip renaming of a keypoint dataset; a dataset without keypoints is a DatasetError. */
function keypointTargetsOf(dataset: Dataset): KeypointTargets {
  const keypointCount = datasetKeypointCount(dataset);
  if (keypointCount === 0) {
    throw new DatasetError('no-keypoints', "training with keypoints needs a dataset whose categories name keypoints (COCO person_keypoints, synthetic:people)", dataset.name, 'categories');
  }
  return { keypointCount, flipPermutation: keypointFlipPermutation(datasetKeypointNames(dataset)) };
}

/** A TrainDataSource that owns worker threads (when `workers` > 0): `close()` ends them. */
export interface TrainSource extends TrainDataSource {
  close(): Promise<void>;
}

/**
 * The training input pipeline over a validated dataset: each epoch a seeded shuffle, batches of
 * `batchSize` (the last incomplete batch dropped), every image augmented with draws from a stream
 * keyed by (seed, epoch, batch, slot) — so `batches(e, k)` yields exactly the batches k, k+1, …
 * of an uninterrupted epoch e, whatever the prefetch depth. Images are `[B, S, S, 3]` float32,
 * ImageNet-normalised (see normalise.ts); ground truth is XYXY in input pixels, crowd boxes left out
 * (and, with `masks`, each box's instance mask in `gtMasks`; with `keypoints`, its keypoints in `gtKeypoints`).
 */
export function createTrainSource(dataset: Dataset, options: TrainSourceOptions): TrainSource {
  const { inputSize, batchSize, seed } = options;
  const augment = options.augment === false ? undefined : options.augment;
  const depth = options.prefetch ?? DEFAULT_PREFETCH;
  const minVisible = options.minVisibleFraction ?? DEFAULT_MIN_VISIBLE_FRACTION;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!(Number.isInteger(inputSize) && inputSize >= 1)) throw new RangeError(`inputSize must be a positive integer, got ${inputSize}`);
  const n = dataset.images.length;
  const batchesPerEpoch = Math.floor(n / batchSize);
  if (batchesPerEpoch === 0) {
    throw new DatasetError('invalid-entry', `dataset has ${n} images, fewer than one batch of ${batchSize}`, dataset.name, 'images');
  }

  const withMasks = options.masks === true;
  if (withMasks && !datasetHasMasks(dataset)) {
    const missing = dataset.images.findIndex((img) => img.labels.length > 0 && img.masks === undefined);
    throw new DatasetError('no-masks', 'training with masks needs an instance mask (COCO segmentation) for every box', dataset.name, `images[${missing}]`);
  }
  const keypoints = options.keypoints === true ? keypointTargetsOf(dataset) : undefined;
  const pool = (options.workers ?? 0) > 0 ? new RasterPool(options.workers as number) : undefined;

  const produce = async (epoch: number, order: Int32Array, b: number): Promise<HostBatch> => {
    const pixels = new Float32Array(batchSize * inputSize * inputSize * 3);
    const samples = await Promise.all(
      Array.from({ length: batchSize }, (_, slot) => {
        const image = dataset.images[order[b * batchSize + slot]!]!;
        // All random draws happen here, synchronously, before any await: the stream is a function of the key alone.
        const rng = new Rng(mixSeed(seed, epoch, b, slot, AUGMENT_STREAM));
        const transform = drawSampleTransform(image.id, image.width, image.height, inputSize, augment, rng);
        return prepareSample(image, transform, inputSize, minVisible, pixels, slot * inputSize * inputSize * 3, pool, withMasks, keypoints);
      }),
    );
    return { pixels, samples, inputSize };
  };

  return {
    batchesPerEpoch,
    numClasses: dataset.categories.length,
    close: async () => pool?.close(),
    batches(epoch: number, fromBatch = 0): AsyncIterable<TrainBatch> {
      if (!(Number.isInteger(epoch) && epoch >= 0)) throw new RangeError(`epoch must be a non-negative integer, got ${epoch}`);
      if (!(Number.isInteger(fromBatch) && fromBatch >= 0 && fromBatch <= batchesPerEpoch)) {
        throw new RangeError(`fromBatch must be an integer in [0, ${batchesPerEpoch}], got ${fromBatch}`);
      }
      const order = permutation(n, new Rng(mixSeed(seed, epoch, ORDER_STREAM)));
      return (async function* () {
        for await (const host of prefetch(fromBatch, batchesPerEpoch, depth, (b) => produce(epoch, order, b))) yield toTrainBatch(host);
      })();
    },
  };
}
