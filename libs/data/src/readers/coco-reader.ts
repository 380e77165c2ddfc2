import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { buildDataset, type RawBox, type RawCategory, type RawImage } from '../dataset/dataset-builder';
import type { Dataset } from '../dataset/dataset';
import { DatasetError } from '../dataset/dataset-error';
import { readImageSize } from '../image/decode';
import { resolveUnderRoot } from '../uri/data-root';
import { asArray, asNumber, asObject, asString, mapLimited, type Json } from './json-fields';

export interface CocoReadOptions {
  /** The data root every `file_name` must stay inside. */
  dataRoot: string;
  /** Reject boxes outside their image instead of clipping. @defaultValue false */
  strict?: boolean;
  /** Read every image's header: readable, and its size matches the JSON. @defaultValue true */
  checkImages?: boolean;
}

/**
 * Reads a COCO detection dataset: `annotationsFile` (instances JSON) and the folder its
 * `file_name`s are relative to. `bbox` [x, y, w, h] becomes XYXY; `area` and `iscrowd` are kept;
 * `segmentation` (polygons, RLE compressed or not) is validated and kept as the instance's RLE;
 * person-keypoint files' `keypoints`, `num_keypoints` and the categories' `keypoints` and `skeleton` too.
 * Both paths must already be resolved inside the data root (see `loadDataset`).
 */
export async function readCocoDataset(annotationsFile: string, imagesDir: string, options: CocoReadOptions): Promise<Dataset> {
  const file = annotationsFile;
  const root = asObject(await readJson(file), file, '$');
  const categories = asArray(root['categories'], file, 'categories').map((c, i) => readCategory(c, file, `categories[${i}]`));
  const boxesByImage = readAnnotations(asArray(root['annotations'], file, 'annotations'), file);
  const rawImages = asArray(root['images'], file, 'images').map((img, i) => readImageEntry(img, i, file, imagesDir, options.dataRoot));
  const imageIds = new Set<number>();
  for (const raw of rawImages) {
    if (imageIds.has(raw.id)) throw new DatasetError('duplicate-id', `duplicate image id ${raw.id}`, file, `${raw.entry}.id`);
    imageIds.add(raw.id);
  }
  for (const [imageId, boxes] of boxesByImage) {
    if (!imageIds.has(imageId)) {
      const entry = boxes[0]?.entry.replace(/\.bbox$/, '.image_id');
      throw new DatasetError('unknown-image', `annotation refers to unknown image_id ${imageId}`, file, entry);
    }
  }
  for (const raw of rawImages) raw.boxes = boxesByImage.get(raw.id) ?? [];
  if (options.checkImages ?? true) await checkImageFiles(rawImages);
  return buildDataset(path.basename(file, '.json'), categories, rawImages, { file, strict: options.strict ?? false });
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new DatasetError('unreadable-file', `cannot read: ${(err as Error).message}`, file);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DatasetError('invalid-json', `not valid JSON: ${(err as Error).message}`, file);
  }
}

function readCategory(value: unknown, file: string, entry: string): RawCategory {
  const c = asObject(value, file, entry);
  const category: RawCategory = { id: asNumber(c['id'], file, `${entry}.id`), name: asString(c['name'], file, `${entry}.name`), entry };
  // COCO person_keypoints: the names of the K points and the skeleton's 1-based edges (checked in buildDataset).
  if (c['keypoints'] !== undefined) {
    category.keypoints = asArray(c['keypoints'], file, `${entry}.keypoints`).map((n, k) => asString(n, file, `${entry}.keypoints[${k}]`));
  }
  if (c['skeleton'] !== undefined) {
    category.skeleton = asArray(c['skeleton'], file, `${entry}.skeleton`).map((edge, k) => {
      const pair = asArray(edge, file, `${entry}.skeleton[${k}]`).map((j, m) => asNumber(j, file, `${entry}.skeleton[${k}][${m}]`));
      return pair as [number, number];
    });
  }
  return category;
}

/** COCO `keypoints` (x, y, v)·K and `num_keypoints`, as given: lengths and flags are checked in buildDataset. */
function readKeypoints(a: Json, box: RawBox, file: string, entry: string): void {
  if (a['keypoints'] === undefined) return;
  const list = asArray(a['keypoints'], file, `${entry}.keypoints`);
  box.keypoints = list.map((v, k) => {
    if (typeof v !== 'number') throw new DatasetError('invalid-keypoints', `expected a number, got ${JSON.stringify(v)}`, file, `${entry}.keypoints[${k}]`);
    return v;
  });
  box.keypointsEntry = `${entry}.keypoints`;
  if (a['num_keypoints'] !== undefined) {
    const n = a['num_keypoints'];
    if (typeof n !== 'number') throw new DatasetError('invalid-keypoints', `num_keypoints must be a number, got ${JSON.stringify(n)}`, file, `${entry}.num_keypoints`);
    box.numKeypoints = n;
  }
}

function readAnnotations(list: unknown[], file: string): Map<number, RawBox[]> {
  const byImage = new Map<number, RawBox[]>();
  const ids = new Set<number>();
  list.forEach((value, i) => {
    const entry = `annotations[${i}]`;
    const a = asObject(value, file, entry);
    const id = asNumber(a['id'], file, `${entry}.id`);
    if (ids.has(id)) throw new DatasetError('duplicate-id', `duplicate annotation id ${id}`, file, `${entry}.id`);
    ids.add(id);
    const imageId = asNumber(a['image_id'], file, `${entry}.image_id`);
    const box = readBbox(a, file, entry);
    box.categoryId = asNumber(a['category_id'], file, `${entry}.category_id`);
    box.categoryEntry = `${entry}.category_id`;
    box.crowd = a['iscrowd'] === 1 || a['iscrowd'] === true;
    if (a['area'] !== undefined) box.area = asNumber(a['area'], file, `${entry}.area`);
    readKeypoints(a, box, file, entry);
    const segmentation = a['segmentation'];
    // Box-only converters write `segmentation: []`: no mask, not an error.
    if (segmentation !== undefined && segmentation !== null && !(Array.isArray(segmentation) && segmentation.length === 0)) {
      box.segmentation = segmentation;
      box.segmentationEntry = `${entry}.segmentation`;
    }
    const list = byImage.get(imageId) ?? [];
    list.push(box);
    byImage.set(imageId, list);
  });
  return byImage;
}

/** COCO `bbox` is [x, y, width, height]; a non-positive width or height is an error, not a clip. */
function readBbox(a: Json, file: string, entry: string): RawBox {
  const bbox = asArray(a['bbox'], file, `${entry}.bbox`);
  if (bbox.length !== 4) throw new DatasetError('invalid-entry', `bbox must be [x, y, width, height], got ${bbox.length} numbers`, file, `${entry}.bbox`);
  const [x, y, w, h] = bbox.map((v, k) => asNumber(v, file, `${entry}.bbox[${k}]`)) as [number, number, number, number];
  if (!(w > 0 && h > 0)) throw new DatasetError('non-positive-size', `bbox has zero or negative size (${w}×${h})`, file, `${entry}.bbox`);
  return { x1: x, y1: y, x2: x + w, y2: y + h, categoryId: NaN, entry: `${entry}.bbox` };
}

function readImageEntry(value: unknown, i: number, file: string, imagesDir: string, dataRoot: string): RawImage {
  const entry = `images[${i}]`;
  const img = asObject(value, file, entry);
  const fileName = asString(img['file_name'], file, `${entry}.file_name`);
  let imageFile: string;
  try {
    imageFile = resolveUnderRoot(fileName, dataRoot, imagesDir, `${entry}.file_name`);
  } catch (err) {
    // Report against the annotations file that named the image.
    if (err instanceof DatasetError) throw new DatasetError(err.code, `image ${fileName}: ${err.reason}`, file, `${entry}.file_name`);
    throw err;
  }
  return {
    id: asNumber(img['id'], file, `${entry}.id`),
    width: img['width'] === undefined ? NaN : asNumber(img['width'], file, `${entry}.width`),
    height: img['height'] === undefined ? NaN : asNumber(img['height'], file, `${entry}.height`),
    file: imageFile,
    boxes: [],
    entry,
  };
}

/** Reads each header: unreadable files fail here, missing sizes are filled, mismatches refused. */
async function checkImageFiles(images: RawImage[]): Promise<void> {
  await mapLimited(images, 8, async (raw) => {
    const size = await readImageSize(raw.file as string, raw.entry);
    if (Number.isNaN(raw.width) || Number.isNaN(raw.height)) {
      raw.width = size.width;
      raw.height = size.height;
    } else if (raw.width !== size.width || raw.height !== size.height) {
      throw new DatasetError(
        'invalid-entry',
        `the JSON says ${raw.width}×${raw.height} but the image is ${size.width}×${size.height}`,
        raw.file,
        raw.entry,
      );
    }
  });
}
