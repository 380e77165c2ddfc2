import type * as tf from '@tensorflow/tfjs-core';

/**
 * How an input image was placed in the square network input (letterbox), so predictions map
 * back to original pixels: input = original · scale + pad (then mirrored if `flipped`).
 */
export interface ImageMeta {
  /** The dataset's image id (COCO `image_id`). */
  imageId: number;
  originalWidth: number;
  originalHeight: number;
  scale: number;
  padX: number;
  padY: number;
  /** Horizontally flipped by augmentation (training only; never at evaluation). */
  flipped: boolean;
}

/**
 * One batch from the input pipeline (`@ablate/data`) to the trainer.
 * The consumer owns `images` and disposes it.
 */
export interface TrainBatch {
  /** `[B, S, S, 3]` float32, normalised as the backbone expects. */
  images: tf.Tensor4D;
  /** Per image: ground-truth boxes, XYXY in input pixels, flat 4·N. */
  gtBoxes: Float32Array[];
  /** Per image: contiguous class index in [0, numClasses), length N. */
  gtLabels: Int32Array[];
  meta: ImageMeta[];
}

/**
 * A deterministic, resumable source of batches. The order of epoch e is a function of
 * (seed, e) only, so a resumed run sees the batches an uninterrupted run would have seen.
 */
export interface TrainDataSource {
  readonly batchesPerEpoch: number;
  readonly numClasses: number;
  /** The batches of `epoch`, starting at batch index `fromBatch` (for resume). */
  batches(epoch: number, fromBatch?: number): AsyncIterable<TrainBatch>;
}
