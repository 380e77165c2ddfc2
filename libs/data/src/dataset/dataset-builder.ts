import type { Rle } from '@ablate/detection';
import type { Dataset, DatasetCategory, DatasetImage, DatasetReport, RgbImage, SyntheticImageSpec } from './dataset';
import { DatasetError } from './dataset-error';
import { keypointsOf, validateKeypointCategories } from './keypoints';
import { segmentationOf } from './segmentation';

/** A box as a reader found it, before validation. XYXY pixels. */
export interface RawBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  categoryId: number;
  crowd?: boolean;
  difficult?: boolean;
  /** The file's own `area` (COCO), if it gave one. */
  area?: number;
  /** Where the box came from, for errors: `annotations[12].bbox`. */
  entry: string;
  /** Where its category came from, when not `entry` (COCO: `annotations[12].category_id`). */
  categoryEntry?: string;
  /** A COCO `segmentation` to validate and encode at the image's size (polygons or RLE object). */
  segmentation?: unknown;
  /** Where `segmentation` came from: `annotations[12].segmentation`. */
  segmentationEntry?: string;
  /** An instance mask already encoded at the image's size (synthetic shapes). */
  mask?: Rle;
  /** COCO `keypoints`: (x, y, v)·K of the box's category; validated here (length, v ∈ {0, 1, 2}, finite). */
  keypoints?: ArrayLike<number>;
  /** COCO `num_keypoints`; counted from `keypoints` (v > 0) when absent. */
  numKeypoints?: number;
  /** Where `keypoints` came from: `annotations[12].keypoints`. */
  keypointsEntry?: string;
}

/** Box k of a flat XYXY array, as a RawBox's corners. */
export function cornersAt(boxes: Float32Array, k: number): Pick<RawBox, 'x1' | 'y1' | 'x2' | 'y2'> {
  return { x1: boxes[4 * k]!, y1: boxes[4 * k + 1]!, x2: boxes[4 * k + 2]!, y2: boxes[4 * k + 3]! };
}

/** An image as a reader found it, before validation. */
export interface RawImage {
  id: number;
  width: number;
  height: number;
  file?: string;
  render?: () => RgbImage;
  synthetic?: SyntheticImageSpec;
  boxes: RawBox[];
  /** Where the image came from, for errors: `images[3]`. */
  entry: string;
  /** The file the image's annotations came from, when not the dataset's (VOC: one XML an image). */
  sourceFile?: string;
}

export interface RawCategory extends DatasetCategory {
  entry: string;
}

export interface BuildOptions {
  /** The file errors are reported against (annotations JSON, VOC root …). */
  file: string;
  /** Reject boxes that leave their image instead of clipping them. @defaultValue false */
  strict?: boolean;
}

/**
 * Validates what a reader found and turns it into a {@link Dataset}: unique ids, positive sizes,
 * known categories, boxes inside their image (clipped and counted, or rejected when `strict`).
 * Throws {@link DatasetError} naming the file and entry of the first problem.
 */
export function buildDataset(name: string, rawCategories: RawCategory[], rawImages: RawImage[], options: BuildOptions): Dataset {
  const categories = validateCategories(rawCategories, options.file);
  const keypointCount = validateKeypointCategories(rawCategories, options.file);
  const labelOf = new Map(categories.map((c, i) => [c.id, i]));
  const report: DatasetReport = { clippedBoxes: 0, droppedBoxes: 0, emptyImages: 0, totalBoxes: 0 };
  const seen = new Set<number>();
  const images = rawImages.map((raw) => {
    const file = raw.sourceFile ?? options.file;
    if (!Number.isInteger(raw.id)) throw new DatasetError('invalid-entry', `image id must be an integer, got ${raw.id}`, file, `${raw.entry}.id`);
    if (seen.has(raw.id)) throw new DatasetError('duplicate-id', `duplicate image id ${raw.id}`, file, `${raw.entry}.id`);
    seen.add(raw.id);
    if (!(raw.width > 0 && raw.height > 0 && Number.isFinite(raw.width) && Number.isFinite(raw.height))) {
      throw new DatasetError('non-positive-size', `image size must be positive, got ${raw.width}×${raw.height}`, file, raw.entry);
    }
    const image = buildImage(raw, { labelOf, categories, keypointCount }, file, options.strict ?? false, report);
    if (image.labels.length === 0) report.emptyImages++;
    report.totalBoxes += image.labels.length;
    return image;
  });
  return { name, categories, images, report };
}

function validateCategories(raw: RawCategory[], file: string): DatasetCategory[] {
  const ids = new Set<number>();
  for (const c of raw) {
    if (!Number.isInteger(c.id)) throw new DatasetError('invalid-entry', `category id must be an integer, got ${c.id}`, file, `${c.entry}.id`);
    if (ids.has(c.id)) throw new DatasetError('duplicate-id', `duplicate category id ${c.id}`, file, `${c.entry}.id`);
    ids.add(c.id);
  }
  return raw
    .map(({ id, name, keypoints, skeleton }) => {
      const c: DatasetCategory = { id, name };
      if (keypoints !== undefined) c.keypoints = keypoints;
      if (skeleton !== undefined) c.skeleton = skeleton;
      return c;
    })
    .sort((a, b) => a.id - b.id);
}

/** What every image's boxes are checked against. */
interface ImageContext {
  labelOf: Map<number, number>;
  categories: DatasetCategory[];
  /** K of the dataset (0: no keypoints). */
  keypointCount: number;
}

function buildImage(raw: RawImage, context: ImageContext, file: string, strict: boolean, report: DatasetReport): DatasetImage {
  const { labelOf, categories, keypointCount } = context;
  const kept: { box: [number, number, number, number]; label: number; b: RawBox; mask?: Rle; keypoints?: { points: Float32Array; count: number } }[] = [];
  for (const b of raw.boxes) {
    if (![b.x1, b.y1, b.x2, b.y2].every(Number.isFinite)) throw new DatasetError('invalid-entry', 'box coordinates must be finite numbers', file, b.entry);
    if (!(b.x2 > b.x1 && b.y2 > b.y1)) {
      throw new DatasetError('non-positive-size', `box has zero or negative size (${b.x2 - b.x1}×${b.y2 - b.y1})`, file, b.entry);
    }
    const label = labelOf.get(b.categoryId);
    if (label === undefined) throw new DatasetError('unknown-category', `unknown category ${b.categoryId}`, file, b.categoryEntry ?? b.entry);
    const inside = b.x1 >= 0 && b.y1 >= 0 && b.x2 <= raw.width && b.y2 <= raw.height;
    if (!inside && strict) {
      throw new DatasetError(
        'box-outside-image',
        `box [${b.x1}, ${b.y1}, ${b.x2}, ${b.y2}] (XYXY) leaves the ${raw.width}×${raw.height} image`,
        file,
        b.entry,
      );
    }
    const box: [number, number, number, number] = [
      Math.min(Math.max(b.x1, 0), raw.width),
      Math.min(Math.max(b.y1, 0), raw.height),
      Math.min(Math.max(b.x2, 0), raw.width),
      Math.min(Math.max(b.y2, 0), raw.height),
    ];
    if (!inside && (box[2] <= box[0] || box[3] <= box[1])) {
      report.droppedBoxes++;
      continue;
    }
    if (!inside) report.clippedBoxes++;
    const keypoints = b.keypoints === undefined ? undefined : keypointsOf(b, categories[label]!, keypointCount, file);
    kept.push({ box, label, b, mask: maskOf(b, raw, file), ...(keypoints ? { keypoints } : {}) });
  }
  const n = kept.length;
  const image: DatasetImage = {
    id: raw.id,
    width: raw.width,
    height: raw.height,
    boxes: new Float32Array(n * 4),
    labels: new Int32Array(n),
    crowd: new Uint8Array(n),
    difficult: new Uint8Array(n),
  };
  // Masks only when every box has one: a partly masked image cannot train a mask head.
  if (n > 0 && kept.every((k) => k.mask !== undefined)) image.masks = kept.map((k) => k.mask as Rle);
  if (raw.file !== undefined) image.file = raw.file;
  if (raw.render !== undefined) image.render = raw.render;
  if (raw.synthetic !== undefined) image.synthetic = raw.synthetic;
  const hasArea = kept.some((k) => k.b.area !== undefined);
  if (hasArea) image.areas = new Float32Array(n).fill(NaN);
  kept.forEach((k, i) => {
    image.boxes.set(k.box, i * 4);
    image.labels[i] = k.label;
    image.crowd[i] = k.b.crowd ? 1 : 0;
    image.difficult[i] = k.b.difficult ? 1 : 0;
    if (image.areas && k.b.area !== undefined) image.areas[i] = k.b.area;
  });
  if (keypointCount > 0) {
    // Every image of a keypoint dataset carries them; a box without keypoints has K unlabelled ones.
    image.keypoints = new Float32Array(n * keypointCount * 3);
    image.numKeypoints = new Int32Array(n);
    kept.forEach((k, i) => {
      if (k.keypoints === undefined) return;
      image.keypoints!.set(k.keypoints.points, i * keypointCount * 3);
      image.numKeypoints![i] = k.keypoints.count;
    });
  }
  return image;
}

/** The box's mask at its image's size: given (synthetic), decoded from `segmentation` (COCO), or none. */
function maskOf(b: RawBox, raw: RawImage, file: string): Rle | undefined {
  if (b.mask !== undefined) {
    if (b.mask.h !== raw.height || b.mask.w !== raw.width) {
      throw new DatasetError('invalid-segmentation', `mask is ${b.mask.h}×${b.mask.w} (h×w) but the image is ${raw.height}×${raw.width}`, file, b.entry);
    }
    return b.mask;
  }
  if (b.segmentation === undefined) return undefined;
  return segmentationOf(b.segmentation, raw.height, raw.width, file, b.segmentationEntry ?? b.entry);
}
