import type { ImageMeta, InstanceMasks } from '@ablate/detection';
import type { DatasetImage } from '../dataset/dataset';
import { boxesToInput, clipAndFilterBoxes } from '../augment/box-transforms';
import type { SampleTransform } from '../augment/augment-params';
import { keypointsToInput, selectKeypoints } from '../augment/keypoint-transforms';
import { masksToInput } from '../augment/mask-transforms';
import { rasteriseInput } from '../augment/rasterise-input';
import { DatasetError } from '../dataset/dataset-error';
import { loadImagePixels } from '../image/decode';
import type { RasterPool } from './raster-pool';

/** One image ready for a batch: its ground truth in input pixels and how it was placed. */
export interface PreparedSample {
  gtBoxes: Float32Array;
  gtLabels: Int32Array;
  meta: ImageMeta;
  /** The instance masks of `gtBoxes`, in input pixels (when asked for). */
  gtMasks?: InstanceMasks;
  /** The keypoints of `gtBoxes`, N·K·3 (x, y, v) in input pixels (when asked for; see keypointsToInput). */
  gtKeypoints?: Float32Array;
}

/** What carrying keypoints needs: K and the flip renaming of the dataset's keypoint names. */
export interface KeypointTargets {
  keypointCount: number;
  flipPermutation: Int32Array;
}

/**
 * Non-crowd boxes of an image (crowd regions are not training targets). VOC `difficult` boxes stay
 * in: like detectron2's VOC loader, we train on them; only VOC evaluation ignores them.
 */
function trainingTargets(image: DatasetImage): { boxes: Float32Array; labels: Int32Array; positions: Int32Array } {
  if (!image.crowd.includes(1)) return { boxes: image.boxes, labels: image.labels, positions: Int32Array.from(image.labels.keys()) };
  const keep = Array.from(image.labels.keys()).filter((k) => image.crowd[k] === 0);
  const boxes = new Float32Array(keep.length * 4);
  keep.forEach((k, j) => boxes.set(image.boxes.subarray(4 * k, 4 * k + 4), 4 * j));
  return { boxes, labels: Int32Array.from(keep, (k) => image.labels[k]!), positions: Int32Array.from(keep) };
}

/** The masks of the boxes kept (positions in the image's box list), moved into the input. */
function inputMasks(image: DatasetImage, positions: Int32Array, meta: ImageMeta, inputSize: number): InstanceMasks {
  if (image.masks === undefined) {
    if (positions.length === 0) return masksToInput([], meta, inputSize);
    throw new DatasetError('no-masks', 'the image has boxes without instance masks (a mask head needs a segmentation for every box)', image.file ?? `image ${image.id}`);
  }
  const masks = image.masks;
  return masksToInput(Array.from(positions, (k) => masks[k]!), meta, inputSize);
}

/** The keypoints of the boxes kept, moved into the input (a box whose image has none gets K unlabelled points). */
function inputKeypoints(image: DatasetImage, positions: Int32Array, meta: ImageMeta, inputSize: number, targets: KeypointTargets): Float32Array {
  const k = targets.keypointCount;
  if (image.keypoints === undefined) return new Float32Array(positions.length * k * 3);
  return keypointsToInput(selectKeypoints(image.keypoints, k, positions), k, meta, inputSize, targets.flipPermutation);
}

/**
 * Loads an image's pixels, writes its transformed, normalised pixels at `offset` of the batch
 * buffer and transforms its boxes the same way: letterboxed, mirrored, clipped to the input and
 * dropped below `minVisibleFraction` of their area. With a `pool`, the pixel work runs in a
 * worker thread (identical result). `withMasks`: also the kept boxes' instance masks, transformed
 * the same way (masksToInput); an image with boxes but no masks is a DatasetError then.
 * `keypoints`: also the kept boxes' keypoints, moved, mirrored and renamed the same way.
 */
export async function prepareSample(
  image: DatasetImage,
  transform: SampleTransform,
  inputSize: number,
  minVisibleFraction: number,
  out: Float32Array,
  offset: number,
  pool?: RasterPool,
  withMasks = false,
  keypoints?: KeypointTargets,
): Promise<PreparedSample> {
  if (pool) {
    // Synthetic images are rendered in the worker as well: nothing but bookkeeping stays here.
    const src = image.synthetic ?? (await loadImagePixels(image));
    out.set(await pool.run(src, transform.meta, inputSize, transform.photometric), offset);
  } else {
    rasteriseInput(await loadImagePixels(image), transform.meta, inputSize, transform.photometric, out, offset);
  }
  const targets = trainingTargets(image);
  const moved = { boxes: boxesToInput(targets.boxes, transform.meta, inputSize), labels: targets.labels };
  const kept = clipAndFilterBoxes(moved, inputSize, inputSize, minVisibleFraction);
  const sample: PreparedSample = { gtBoxes: kept.boxes, gtLabels: kept.labels, meta: transform.meta };
  const positions = Int32Array.from(kept.kept, (j) => targets.positions[j]!);
  if (withMasks) sample.gtMasks = inputMasks(image, positions, transform.meta, inputSize);
  if (keypoints) sample.gtKeypoints = inputKeypoints(image, positions, transform.meta, inputSize, keypoints);
  return sample;
}
