import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { buildDataset, type RawBox, type RawImage } from '../dataset/dataset-builder';
import type { Dataset } from '../dataset/dataset';
import { DatasetError } from '../dataset/dataset-error';
import { readImageSize } from '../image/decode';
import { resolveUnderRoot } from '../uri/data-root';
import { mapLimited } from './json-fields';

/** The 20 Pascal VOC classes in the devkit's order; category ids are 1…20 in this order. */
export const VOC_CLASSES = [
  'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
] as const;

export interface VocReadOptions {
  dataRoot: string;
  /** `ImageSets/Main/<split>.txt`. @defaultValue 'trainval' */
  split?: string;
  /** Class names, ids 1…K in this order. @defaultValue VOC_CLASSES */
  classes?: readonly string[];
  /** Reject boxes outside their image instead of clipping. @defaultValue false */
  strict?: boolean;
  /** Read every image's header (readable, size as annotated). @defaultValue true */
  checkImages?: boolean;
}

const parser = new XMLParser({ isArray: (name) => name === 'object', parseTagValue: true });

/**
 * Reads a Pascal VOC dataset rooted at `root` (already resolved inside the data root):
 * the split's ids from `ImageSets/Main/<split>.txt`, each `Annotations/<id>.xml` and
 * `JPEGImages/<id>.jpg`. VOC pixel indices are 1-based and inclusive, so a box
 * (xmin, ymin, xmax, ymax) becomes XYXY (xmin − 1, ymin − 1, xmax, ymax). `difficult` is kept.
 */
export async function readVocDataset(root: string, options: VocReadOptions): Promise<Dataset> {
  const split = options.split ?? 'trainval';
  const classes = options.classes ?? VOC_CLASSES;
  const categoryOf = new Map(classes.map((name, i) => [name, i + 1]));
  const splitFile = resolveUnderRoot(path.join('ImageSets', 'Main', `${split}.txt`), options.dataRoot, root);
  const names = await readSplit(splitFile);
  const rawImages = await mapLimited(names, 8, async (name, i) => {
    const xmlFile = resolveUnderRoot(path.join('Annotations', `${name}.xml`), options.dataRoot, root, `line ${i + 1}`);
    const imageFile = resolveUnderRoot(path.join('JPEGImages', `${name}.jpg`), options.dataRoot, root, `line ${i + 1}`);
    const raw = readAnnotation(await readText(xmlFile), xmlFile, categoryOf);
    raw.id = i + 1;
    raw.file = imageFile;
    if ((options.checkImages ?? true) || Number.isNaN(raw.width)) await checkSize(raw, xmlFile);
    return raw;
  });
  const categories = classes.map((name, i) => ({ id: i + 1, name, entry: `classes[${i}]` }));
  return buildDataset(`voc-${split}`, categories, rawImages, { file: root, strict: options.strict ?? false });
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new DatasetError('unreadable-file', `cannot read: ${(err as Error).message}`, file);
  }
}

/** The image ids a VOC split file lists, in order (a repeated or malformed one is a DatasetError). */
export async function readSplit(file: string): Promise<string[]> {
  const names = (await readText(file)).split(/\r?\n/).map((l) => l.trim().split(/\s+/)[0] ?? '').filter((l) => l !== '');
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (seen.has(name)) throw new DatasetError('duplicate-id', `image id ${name} listed twice (first at line ${seen.get(name)})`, file, `line ${i + 1}`);
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw new DatasetError('invalid-entry', `bad image id '${name}'`, file, `line ${i + 1}`);
    seen.set(name, i + 1);
  });
  return names;
}

type XmlNode = Record<string, unknown>;

function num(node: XmlNode | undefined, key: string, file: string, entry: string): number {
  const v = node?.[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new DatasetError('invalid-entry', `expected a number in <${key}>, got ${JSON.stringify(v)}`, file, `${entry}.${key}`);
  return n;
}

function readAnnotation(xml: string, file: string, categoryOf: Map<string, number>): RawImage {
  let doc: XmlNode;
  try {
    doc = parser.parse(xml, true) as XmlNode;
  } catch (err) {
    throw new DatasetError('invalid-entry', `not valid XML: ${(err as Error).message}`, file);
  }
  const ann = doc['annotation'] as XmlNode | undefined;
  if (typeof ann !== 'object' || ann === null) throw new DatasetError('invalid-entry', 'no <annotation> element', file);
  const size = ann['size'] as XmlNode | undefined;
  const objects = (ann['object'] as XmlNode[] | undefined) ?? [];
  const boxes = objects.map((o, k): RawBox => {
    const entry = `object[${k}]`;
    const name = String(o['name'] ?? '').trim();
    const categoryId = categoryOf.get(name);
    if (categoryId === undefined) throw new DatasetError('unknown-category', `unknown class '${name}'`, file, `${entry}.name`);
    const bb = o['bndbox'] as XmlNode | undefined;
    const b = `${entry}.bndbox`;
    return {
      x1: num(bb, 'xmin', file, b) - 1,
      y1: num(bb, 'ymin', file, b) - 1,
      x2: num(bb, 'xmax', file, b),
      y2: num(bb, 'ymax', file, b),
      categoryId,
      difficult: Number(o['difficult'] ?? 0) === 1,
      entry: b,
    };
  });
  return {
    id: 0,
    width: size ? num(size, 'width', file, 'size') : NaN,
    height: size ? num(size, 'height', file, 'size') : NaN,
    boxes,
    entry: 'size',
    sourceFile: file,
  };
}

async function checkSize(raw: RawImage, xmlFile: string): Promise<void> {
  const size = await readImageSize(raw.file as string, 'JPEGImages');
  if (Number.isNaN(raw.width) || Number.isNaN(raw.height)) {
    raw.width = size.width;
    raw.height = size.height;
  } else if (raw.width !== size.width || raw.height !== size.height) {
    throw new DatasetError('invalid-entry', `<size> says ${raw.width}×${raw.height} but the image is ${size.width}×${size.height}`, xmlFile, 'size');
  }
}
