import type { Rle } from '@ablate/detection';
import type { SyntheticImageSpec } from '../synthetic/synthetic-spec';

export type { SyntheticImageSpec };

/** An RGB image, 8 bits a channel, row-major interleaved: `data.length = width·height·3`. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** One entry of the category table. */
export interface DatasetCategory {
  /** The dataset's own id (COCO `category_id`; 1…20 for VOC). */
  id: number;
  name: string;
  /** COCO `keypoints`: the names of the K keypoints of this category's instances, in order (person: COCO_KEYPOINT_NAMES). */
  keypoints?: string[];
  /** COCO `skeleton`: pairs of 1-based indices into `keypoints` (as in COCO's file), for drawing. */
  skeleton?: [number, number][];
}

/**
 * One image with its ground truth. Boxes are XYXY in pixels of this image
 * (0 ≤ x1 < x2 ≤ width, 0 ≤ y1 < y2 ≤ height), flat 4·N.
 */
export interface DatasetImage {
  id: number;
  width: number;
  height: number;
  /** Absolute path of the image file (COCO, VOC, synthetic written to disk). */
  file?: string;
  /** `[x1, y1, x2, y2]·N` in pixels. */
  boxes: Float32Array;
  /** Contiguous label index per box: position in `Dataset.categories`. */
  labels: Int32Array;
  /** COCO `iscrowd` per box (0/1); crowd boxes are left out of training targets. */
  crowd: Uint8Array;
  /** Pascal VOC `difficult` per box (0/1); ignored by VOC evaluation. */
  difficult: Uint8Array;
  /** The `area` a COCO file gave per box (NaN where absent: the box's w·h is used). */
  areas?: Float32Array;
  /**
   * Instance masks, one per box in the same order, as COCO RLEs of this image (h×w, column-major):
   * present when every box of the image has one (COCO `segmentation`, synthetic shapes' exact
   * visible pixels). Crowd boxes' masks are kept (segm evaluation needs them).
   */
  masks?: Rle[];
  /**
   * Keypoints of every box, same order as `boxes`: flat N·K·3, COCO's (x, y, v) per keypoint,
   * K = datasetKeypointCount. Pixels in the frame of `boxes`; v is KEYPOINT_UNLABELLED (0, and then
   * x = y = 0), KEYPOINT_OCCLUDED (1: labelled, not visible) or KEYPOINT_VISIBLE (2). Present on every
   * image of a dataset whose categories name keypoints (a box of a category without keypoints, or a
   * COCO annotation without them, has K unlabelled points).
   */
  keypoints?: Float32Array;
  /** COCO `num_keypoints` per box (labelled points; 0 makes the box ignored by keypoint evaluation). */
  numKeypoints?: Int32Array;
  /** In-memory pixels (synthetic datasets): no file, no decoding. */
  render?: () => RgbImage;
  /** The same pixels as plain data (synthetic datasets), so a worker thread can render them. */
  synthetic?: SyntheticImageSpec;
}

/** What validation changed while loading (counts, for the user to read). */
export interface DatasetReport {
  /** Boxes partly outside their image, clipped to it. */
  clippedBoxes: number;
  /** Boxes entirely outside their image (nothing left after clipping), dropped. */
  droppedBoxes: number;
  /** Images without any box. */
  emptyImages: number;
  /** Boxes in all images, after clipping and dropping. */
  totalBoxes: number;
}

/**
 * A validated dataset, the one in-memory form of COCO, VOC and synthetic data.
 * `categories` is sorted by id; a label index is a position in it.
 */
export interface Dataset {
  name: string;
  categories: DatasetCategory[];
  images: DatasetImage[];
  report: DatasetReport;
}

/** Whether every image with a box has its instance masks (what training a mask head needs). */
export function datasetHasMasks(dataset: Dataset): boolean {
  return dataset.images.every((img) => img.labels.length === 0 || img.masks !== undefined);
}

/** COCO's visibility flags of a keypoint (the `v` of its (x, y, v)). */
export const KEYPOINT_UNLABELLED = 0;
export const KEYPOINT_OCCLUDED = 1;
export const KEYPOINT_VISIBLE = 2;

/** K, the number of keypoints an instance of the dataset has (0 when no category names keypoints). */
export function datasetKeypointCount(dataset: Pick<Dataset, 'categories'>): number {
  return dataset.categories.find((c) => c.keypoints !== undefined && c.keypoints.length > 0)?.keypoints?.length ?? 0;
}

/** The keypoint names of the dataset (those of its categories that name them; they agree, see buildDataset). */
export function datasetKeypointNames(dataset: Pick<Dataset, 'categories'>): string[] {
  return dataset.categories.find((c) => c.keypoints !== undefined && c.keypoints.length > 0)?.keypoints ?? [];
}

/** Number of boxes of an image. */
export function boxCount(image: DatasetImage): number {
  return image.labels.length;
}
