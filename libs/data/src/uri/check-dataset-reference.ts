import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DatasetError } from '../dataset/dataset-error';
import { VOC_CLASSES } from '../readers/voc-reader';
import { SHAPE_CLASSES } from '../synthetic/shapes';
import { dataRootOf, resolveUnderRoot } from './data-root';
import { parseDatasetUri } from './dataset-uri';

/** Annotation files up to this size are read at submit to count their categories; larger ones only exist-checked. */
export const CHEAP_ANNOTATIONS_BYTES = 50 * 1024 * 1024;

export interface DatasetReferenceCheck {
  /** Categories the dataset has, or null when finding out would mean reading a large file. */
  categories: number | null;
  /**
   * Whether a category names keypoints (COCO person_keypoints, synthetic:people): what a keypoint
   * detector trains and is scored on. Null when finding out would mean reading a large file.
   */
  keypoints: boolean | null;
}

/**
 * What can be known of a dataset reference without loading it, for the API to refuse a bad one
 * at submit instead of letting every run fail a second later: the URI's scheme and parameters,
 * that its files exist under the data root (with loadDataset's `..` and symlink rules), and its
 * category count where the annotations are cheap to read (synthetic, VOC, small COCO files).
 *
 * @throws DatasetError naming the URI and what is wrong.
 */
export async function checkDatasetReference(uri: string, options: { dataRoot?: string } = {}): Promise<DatasetReferenceCheck> {
  const ref = parseDatasetUri(uri);
  if (ref.kind === 'synthetic') return { categories: SHAPE_CLASSES.length, keypoints: false };
  // One category: person, with COCO's 17 keypoints.
  if (ref.kind === 'synthetic-people') return { categories: 1, keypoints: true };
  const root = dataRootOf(options.dataRoot);
  if (ref.kind === 'voc') {
    const vocRoot = resolveUnderRoot(ref.root, root, root, 'root');
    resolveUnderRoot(path.join('ImageSets', 'Main', `${ref.split}.txt`), root, vocRoot, 'split');
    if (ref.classes !== undefined && ref.classes.length === 0) throw new DatasetError('bad-uri', 'classes is empty', uri, 'classes');
    return { categories: (ref.classes ?? VOC_CLASSES).length, keypoints: false };
  }
  const annotations = resolveUnderRoot(ref.annotations, root, root, 'annotations');
  resolveUnderRoot(ref.images ?? (path.dirname(ref.annotations) || '.'), root, root, 'images');
  return cocoCategories(annotations, ref.annotations);
}

/** `categories.length` of a COCO file and whether one names keypoints, read only when it is small; `shown` is the path as the user wrote it. */
async function cocoCategories(file: string, shown: string): Promise<DatasetReferenceCheck> {
  const stat = await fs.stat(file);
  if (!stat.isFile()) throw new DatasetError('unreadable-file', 'is not a file', shown);
  if (stat.size > CHEAP_ANNOTATIONS_BYTES) return { categories: null, keypoints: null };
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    // The parser's message may quote the file's bytes: say only where it broke.
    const at = /position \d+/.exec((err as Error).message)?.[0];
    throw new DatasetError('invalid-json', `not valid JSON${at ? ` (at ${at})` : ''}`, shown);
  }
  const categories = (json as { categories?: unknown } | null)?.categories;
  if (!Array.isArray(categories)) throw new DatasetError('invalid-entry', 'has no categories list', shown, 'categories');
  const keypoints = categories.some((c: unknown) => Array.isArray((c as { keypoints?: unknown } | null)?.keypoints) && (c as { keypoints: unknown[] }).keypoints.length > 0);
  return { categories: categories.length, keypoints };
}
