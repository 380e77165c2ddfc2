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
  /**
   * Per image: the instance masks of `gtBoxes`, same order, in input pixels (Mask R-CNN sources
   * only; see {@link InstanceMasks}).
   */
  gtMasks?: InstanceMasks[];
  /**
   * Per image: the keypoints of `gtBoxes`, same order, flat N·K·3 float32 — COCO's (x, y, v) per
   * point in input pixels (the frame of `gtBoxes`), v 0 unlabelled or pushed out of the input
   * (then x = y = 0), 1 labelled but occluded, 2 visible; after a flip the points are renamed
   * left ↔ right. K is the dataset's (17 for COCO persons). Keypoint sources only
   * (`DetectorFamily.targets.keypoints`).
   */
  gtKeypoints?: Float32Array[];
}

/**
 * The binary masks of one image's instances in input pixels, compactly: each instance keeps only
 * the bitmap of its own integer window (its mask's bounding box, clipped to the input), so a
 * batch of 128×128 synthetic images carries a few hundred bytes an instance and an RoI's 28×28
 * target samples only the window it overlaps (see `maskTargetsFromBitmaps`). Pixels outside an
 * instance's window are background.
 */
export interface InstanceMasks {
  /** Side of the square input the windows live in, pixels. */
  inputSize: number;
  /** Per instance: window `[x0, y0, width, height]`, integer input pixels, flat 4·N. Width or height 0 = empty mask. */
  windows: Int32Array;
  /** Per instance: where its bitmap starts in `data`, length N. */
  offsets: Int32Array;
  /** 0/1 bytes, instance after instance, each row-major `height` rows of `width` (index y·width + x within the window). */
  data: Uint8Array;
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
