import * as path from 'node:path';
import type { Dataset } from '../dataset/dataset';
import { DatasetError } from '../dataset/dataset-error';
import { readCocoDataset } from '../readers/coco-reader';
import { readVocDataset } from '../readers/voc-reader';
import { syntheticPeople } from '../synthetic/people-dataset';
import { syntheticShapes } from '../synthetic/synthetic-dataset';
import { dataRootOf, resolveUnderRoot } from './data-root';
import { parseDatasetUri } from './dataset-uri';

export interface LoadDatasetOptions {
  /** Where dataset files may live. @defaultValue process.env.ABLATE_DATA_ROOT ?? `<cwd>/data` */
  dataRoot?: string;
  /** Reject boxes outside their image instead of clipping and counting them. @defaultValue false */
  strict?: boolean;
  /** Read every image file's header at load (readable, size as annotated). @defaultValue true */
  checkImages?: boolean;
}

/**
 * Loads and validates the dataset a URI names. Every failure a user can cause is a
 * {@link DatasetError} naming the file and entry; a dataset that fails never gets this far.
 *
 * - `synthetic:shapes?images=512&size=128&seed=0&split=train` — in memory, no data root needed.
 * - `synthetic:people?…` — the same for stick figures with COCO's 17 person keypoints.
 * - `coco:<annotations.json>?images=<dir>` — both relative to the data root (images default:
 *   the annotations file's folder).
 * - `voc:<root>?split=trainval&classes=a,b` — `root` relative to the data root.
 */
export async function loadDataset(uri: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const ref = parseDatasetUri(uri);
  if (ref.kind === 'synthetic') return syntheticShapes(ref.options);
  if (ref.kind === 'synthetic-people') return syntheticPeople(ref.options);
  const root = dataRootOf(options.dataRoot);
  const common = { dataRoot: root, strict: options.strict ?? false, checkImages: options.checkImages ?? true };
  if (ref.kind === 'coco') {
    const annotations = resolveUnderRoot(ref.annotations, root, root, 'annotations');
    const images = resolveUnderRoot(ref.images ?? path.dirname(ref.annotations) ?? '.', root, root, 'images');
    const dataset = await readCocoDataset(annotations, images, common);
    return { ...dataset, name: path.basename(ref.annotations, '.json') };
  }
  const vocRoot = resolveUnderRoot(ref.root, root, root, 'root');
  if (ref.classes !== undefined && ref.classes.length === 0) throw new DatasetError('bad-uri', 'classes is empty', uri, 'classes');
  return readVocDataset(vocRoot, { ...common, split: ref.split, ...(ref.classes ? { classes: ref.classes } : {}) });
}
