import { z } from 'zod';
import type { CocoDataset, CocoDetection } from './coco-format';
import { columnsFromDetections, scanCocoResults, type CocoResultsColumns } from './coco-results-reader';

/**
 * Bad evaluation input, naming the file and the entry: `source` is the file (or a label),
 * `path` the JSON path of the offending entry (`annotations[12].bbox`), empty for the whole file.
 */
export class CocoInputError extends Error {
  constructor(
    readonly source: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${source}: ${path ? `${path}: ` : ''}${reason}`);
    this.name = 'CocoInputError';
  }
}

const id = z.number().int('expected an integer id');
/** [x, y, width, height] in pixels; width and height ≥ 0. */
const bbox = z.tuple([
  z.number(),
  z.number(),
  z.number().min(0, 'negative width'),
  z.number().min(0, 'negative height'),
]);

/** Fields pycocotools reads from a GT file (others pass through unchecked). */
export const cocoGroundTruthSchema = z.object({
  images: z.array(z.looseObject({ id })),
  categories: z.array(z.looseObject({ id, name: z.string().optional() })),
  annotations: z.array(
    z.looseObject({
      id,
      image_id: id,
      category_id: id,
      bbox,
      area: z.number(),
      iscrowd: z.union([z.literal(0), z.literal(1), z.boolean()]).optional(),
    }),
  ),
});

/** One entry of a results file. */
export const cocoDetectionSchema = z.looseObject({ image_id: id, category_id: id, bbox, score: z.number() });

/** `annotations[12].bbox[2]` from zod's path array. */
export function formatJsonPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out;
}

function fromZod(source: string, error: z.ZodError, prefix = ''): CocoInputError {
  const issue = error.issues[0];
  return new CocoInputError(source, formatJsonPath(issue.path, prefix), issue.message);
}

/** JSON.parse with the file named in the error. */
export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CocoInputError(source, '', `not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** The hot-path form of the annotation schema: no allocation per entry. */
function isAnnotation(a: unknown): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const o = a as Record<string, unknown>;
  const c = o.iscrowd;
  return (
    Number.isInteger(o.id) &&
    Number.isInteger(o.image_id) &&
    Number.isInteger(o.category_id) &&
    isFiniteNumber(o.area) &&
    isBox(o.bbox) &&
    (c === undefined || c === 0 || c === 1 || c === true || c === false)
  );
}

function isIdObject(o: unknown): boolean {
  return typeof o === 'object' && o !== null && Number.isInteger((o as { id?: unknown }).id);
}

/**
 * Checks a parsed GT file; throws {@link CocoInputError} naming the first bad entry. Entries
 * are checked by hand first (fast); zod explains what is wrong.
 */
export function validateCocoGroundTruth(value: unknown, source: string): CocoDataset {
  const v = value as Partial<Record<'images' | 'categories' | 'annotations', unknown[]>>;
  const plain =
    typeof value === 'object' &&
    value !== null &&
    Array.isArray(v.images) &&
    Array.isArray(v.categories) &&
    Array.isArray(v.annotations) &&
    v.images.every(isIdObject) &&
    v.categories.every((c) => isIdObject(c) && ['string', 'undefined'].includes(typeof (c as { name?: unknown }).name)) &&
    v.annotations.every(isAnnotation);
  if (!plain) {
    const parsed = cocoGroundTruthSchema.safeParse(value);
    if (!parsed.success) throw fromZod(source, parsed.error);
  }
  const gt = value as CocoDataset;
  // pycocotools indexes annotations by id: a repeated id silently replaces the first one.
  const firstWithId = new Map<number, number>();
  gt.annotations.forEach((a, i) => {
    const first = firstWithId.get(a.id);
    if (first !== undefined) throw new CocoInputError(source, `annotations[${i}].id`, `duplicate id ${a.id} (also annotations[${first}])`);
    firstWithId.set(a.id, i);
  });
  return gt;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isBox(b: unknown): boolean {
  return (
    Array.isArray(b) &&
    b.length === 4 &&
    isFiniteNumber(b[0]) &&
    isFiniteNumber(b[1]) &&
    isFiniteNumber(b[2]) &&
    isFiniteNumber(b[3]) &&
    b[2] >= 0 &&
    b[3] >= 0
  );
}

/** The hot-path form of {@link cocoDetectionSchema}: no allocation per entry. */
function isDetection(d: unknown): boolean {
  if (typeof d !== 'object' || d === null) return false;
  const o = d as Record<string, unknown>;
  return Number.isInteger(o.image_id) && Number.isInteger(o.category_id) && isFiniteNumber(o.score) && isBox(o.bbox);
}

/**
 * Checks a parsed results file against its ground truth: an array of
 * `{image_id, category_id, bbox: [x, y, w, h], score}` whose image and category ids are in
 * the GT (pycocotools asserts the images; a category outside the GT is as surely a mistake).
 * Entries are checked by hand (242k of them in a COCO-val run); zod explains a failure.
 */
export function validateCocoResults(
  value: unknown,
  source: string,
  groundTruth: Pick<CocoDataset, 'images' | 'categories'>,
): CocoDetection[] {
  if (!Array.isArray(value)) throw new CocoInputError(source, '', 'expected an array of detections');
  const imageIds = new Set(groundTruth.images.map((im) => im.id));
  const categoryIds = new Set(groundTruth.categories.map((c) => c.id));
  for (let i = 0; i < value.length; i++) {
    const d = value[i] as CocoDetection;
    if (!isDetection(d)) {
      const parsed = cocoDetectionSchema.safeParse(d);
      throw parsed.success
        ? new CocoInputError(source, `[${i}]`, 'not a detection')
        : fromZod(source, parsed.error, `[${i}]`);
    }
    if (!imageIds.has(d.image_id)) {
      throw new CocoInputError(source, `[${i}].image_id`, `image ${d.image_id} is not in the ground truth`);
    }
    if (!categoryIds.has(d.category_id)) {
      throw new CocoInputError(source, `[${i}].category_id`, `category ${d.category_id} is not in the ground truth`);
    }
  }
  return value as CocoDetection[];
}

/**
 * Reads a results file (its bytes, UTF-8, or its text) into columns: the fast scanner for
 * plain files, JSON.parse and {@link validateCocoResults} for anything else (which either
 * accepts it or names the bad entry). Image and category ids must be in the GT.
 */
export function readCocoResults(
  data: Uint8Array | string,
  source: string,
  groundTruth: Pick<CocoDataset, 'images' | 'categories'>,
): CocoResultsColumns {
  const cols =
    scanCocoResults(data) ??
    columnsFromDetections(
      validateCocoResults(parseJson(typeof data === 'string' ? data : new TextDecoder().decode(data), source), source, groundTruth),
    );
  const imageIds = new Set(groundTruth.images.map((im) => im.id));
  const categoryIds = new Set(groundTruth.categories.map((c) => c.id));
  for (let i = 0; i < cols.count; i++) {
    if (!imageIds.has(cols.imageId[i])) {
      throw new CocoInputError(source, `[${i}].image_id`, `image ${cols.imageId[i]} is not in the ground truth`);
    }
    if (!categoryIds.has(cols.categoryId[i])) {
      throw new CocoInputError(source, `[${i}].category_id`, `category ${cols.categoryId[i]} is not in the ground truth`);
    }
  }
  return cols;
}
