import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as path from 'node:path';
import { readSplit } from '../readers/voc-reader';
import { dataRootOf, resolveUnderRoot } from './data-root';
import { parseDatasetUri } from './dataset-uri';
import { SIZE_BANDS } from '../synthetic/scene';

/**
 * Bumped when the synthetic generator changes what a spec renders: the same URI then names other
 * pixels, and its fingerprint must say so.
 */
const SYNTHETIC_GENERATOR = 1;
/** The same for synthetic:people's stick figures. */
const PEOPLE_GENERATOR = 1;

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * A sha256 that changes when what the dataset URI names changes: of the annotations file for
 * `coco:`; for `voc:` of the split list and each annotation file it names (a line "name sha256" a
 * file, so an edited box shows); for `synthetic:` of its canonical spec (every parameter, defaults
 * filled in, and the generator's version), since its pixels follow from that alone. Images are not
 * hashed: reading them all would cost as much as an epoch. Files are read only under the data root.
 *
 * @throws DatasetError for a URI that does not parse or a file missing or outside the data root.
 */
export async function datasetFingerprint(uri: string, options: { dataRoot?: string } = {}): Promise<string> {
  const ref = parseDatasetUri(uri);
  if (ref.kind === 'synthetic-people') {
    const { images, size, seed, split } = ref.options;
    const canonical = JSON.stringify({ dataset: 'synthetic:people', generator: PEOPLE_GENERATOR, images, size, seed, split });
    return createHash('sha256').update(canonical).digest('hex');
  }
  if (ref.kind === 'synthetic') {
    const { images, size, seed, split, sizes } = ref.options;
    // `sizes` enters only when it leaves a band out, in canonical order: the sets made before it keep their fingerprints.
    const drawn = SIZE_BANDS.filter((b) => sizes === undefined || sizes.includes(b));
    const bands = drawn.length === SIZE_BANDS.length ? {} : { sizes: drawn };
    const canonical = JSON.stringify({ dataset: 'synthetic:shapes', generator: SYNTHETIC_GENERATOR, images, size, seed, split, ...bands });
    return createHash('sha256').update(canonical).digest('hex');
  }
  const root = dataRootOf(options.dataRoot);
  if (ref.kind === 'coco') return sha256File(resolveUnderRoot(ref.annotations, root, root, 'annotations'));
  const vocRoot = resolveUnderRoot(ref.root, root, root, 'root');
  const splitFile = resolveUnderRoot(path.join('ImageSets', 'Main', `${ref.split}.txt`), root, vocRoot);
  const lines = [`${ref.split} ${await sha256File(splitFile)}`, `classes ${JSON.stringify(ref.classes ?? null)}`];
  for (const name of await readSplit(splitFile)) {
    lines.push(`${name} ${await sha256File(resolveUnderRoot(path.join('Annotations', `${name}.xml`), root, vocRoot))}`);
  }
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
