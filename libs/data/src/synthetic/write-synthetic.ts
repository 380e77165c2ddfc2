import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { toCocoGroundTruth } from '../convert/to-coco';
import type { Dataset } from '../dataset/dataset';
import { writePng } from '../image/decode';
import { mapLimited } from '../readers/json-fields';
import { syntheticPeople } from './people-dataset';
import { syntheticShapes, type SyntheticOptions } from './synthetic-dataset';

/** Which synthetic set: `synthetic:shapes` or `synthetic:people`. */
export type SyntheticSet = 'shapes' | 'people';

export interface WrittenSynthetic {
  /** `<out>/<split>.json` */
  annotationsFile: string;
  /** `<out>/<split>/` holding 000001.png … */
  imagesDir: string;
  dataset: Dataset;
}

/**
 * Writes a synthetic set as a COCO dataset: `<out>/<split>.json` and one lossless PNG per image in
 * `<out>/<split>/` (synthetic:people as a person_keypoints file: keypoints, num_keypoints, the
 * category's keypoint names and skeleton). Read back through `coco:` it gives the same boxes,
 * keypoints and pixels as the in-memory `synthetic:` reference with the same parameters.
 */
export async function writeSyntheticCoco(
  outDir: string,
  options: SyntheticOptions & { set?: SyntheticSet } = {},
  onImage?: (done: number) => void,
): Promise<WrittenSynthetic> {
  const { set = 'shapes', ...params } = options;
  const split = params.split ?? 'train';
  const dataset = set === 'people' ? syntheticPeople(params) : syntheticShapes(params);
  const imagesDir = path.join(outDir, split);
  await fs.mkdir(imagesDir, { recursive: true });
  const names = dataset.images.map((img) => `${String(img.id).padStart(6, '0')}.png`);
  let done = 0;
  await mapLimited(dataset.images, 4, async (img, i) => {
    await writePng((img.render as NonNullable<typeof img.render>)(), path.join(imagesDir, names[i]!));
    onImage?.(++done);
  });
  const coco = toCocoGroundTruth(dataset);
  coco.images.forEach((img, i) => (img.file_name = names[i]));
  coco.info = { description: `Ablate synthetic ${set} (${split})`, ...params, split };
  const annotationsFile = path.join(outDir, `${split}.json`);
  await fs.writeFile(annotationsFile, JSON.stringify(coco));
  return { annotationsFile, imagesDir, dataset };
}
