import type { ImageMeta } from '@ablate/detection';
import type { DatasetImage } from '../dataset/dataset';
import { boxesToInput, clipAndFilterBoxes } from '../augment/box-transforms';
import type { SampleTransform } from '../augment/augment-params';
import { rasteriseInput } from '../augment/rasterise-input';
import { loadImagePixels } from '../image/decode';
import type { RasterPool } from './raster-pool';

/** One image ready for a batch: its ground truth in input pixels and how it was placed. */
export interface PreparedSample {
  gtBoxes: Float32Array;
  gtLabels: Int32Array;
  meta: ImageMeta;
}

/**
 * Non-crowd boxes of an image (crowd regions are not training targets). VOC `difficult` boxes stay
 * in: like detectron2's VOC loader, we train on them; only VOC evaluation ignores them.
 */
function trainingTargets(image: DatasetImage): { boxes: Float32Array; labels: Int32Array } {
  if (!image.crowd.includes(1)) return { boxes: image.boxes, labels: image.labels };
  const keep = Array.from(image.labels.keys()).filter((k) => image.crowd[k] === 0);
  const boxes = new Float32Array(keep.length * 4);
  keep.forEach((k, j) => boxes.set(image.boxes.subarray(4 * k, 4 * k + 4), 4 * j));
  return { boxes, labels: Int32Array.from(keep, (k) => image.labels[k]!) };
}

/**
 * Loads an image's pixels, writes its transformed, normalised pixels at `offset` of the batch
 * buffer and transforms its boxes the same way: letterboxed, mirrored, clipped to the input and
 * dropped below `minVisibleFraction` of their area. With a `pool`, the pixel work runs in a
 * worker thread (identical result).
 */
export async function prepareSample(
  image: DatasetImage,
  transform: SampleTransform,
  inputSize: number,
  minVisibleFraction: number,
  out: Float32Array,
  offset: number,
  pool?: RasterPool,
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
  return { gtBoxes: kept.boxes, gtLabels: kept.labels, meta: transform.meta };
}
