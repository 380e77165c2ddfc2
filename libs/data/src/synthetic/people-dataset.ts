import { buildDataset, cornersAt, type RawBox, type RawImage } from '../dataset/dataset-builder';
import type { Dataset } from '../dataset/dataset';
import { instanceRles } from './instance-rles';
import { layoutPeople } from './people-scene';
import { mixSeed, Rng } from './prng';
import { COCO_KEYPOINT_NAMES, COCO_SKELETON } from './stick-figure';
import { SPLIT_SALT, syntheticRawImage, type SyntheticOptions } from './synthetic-dataset';
import type { SyntheticImageSpec } from './synthetic-spec';

/** Keeps synthetic:people's streams apart from synthetic:shapes' of the same seed and split. */
const PEOPLE_SALT = 0x9e09;
const LAYOUT_STREAM = 1;
const RENDER_STREAM = 2;
const K = COCO_KEYPOINT_NAMES.length;

/**
 * The synthetic people dataset, in memory: one category, `person` (id 1) with COCO's 17 keypoint
 * names and skeleton; each image 0…4 frontal stick figures (every tenth image empty) on the noisy
 * backgrounds of synthetic:shapes, sized to fill COCO's small, medium and large ranges. Per figure:
 * the tight box and instance mask of its visible pixels, its 17 keypoints with COCO's flags (2
 * visible, 1 covered by a figure drawn over it, 0 outside the image) and `num_keypoints`. Pixels are
 * rendered on demand (in a worker thread by the training pipeline). Image i depends only on
 * (seed, split, i); the `area` of a box is its w·h, as for synthetic:shapes.
 */
export function syntheticPeople(options: Omit<SyntheticOptions, 'sizes'> = {}): Dataset {
  const { images = 512, size = 128, seed = 0, split = 'train' } = options;
  const raws: RawImage[] = [];
  for (let i = 0; i < images; i++) {
    const scene = layoutPeople(size, i, new Rng(mixSeed(seed, SPLIT_SALT[split], PEOPLE_SALT, i, LAYOUT_STREAM)));
    const masks = instanceRles(scene.owner, size, scene.figures.length);
    const spec: SyntheticImageSpec = { size, shapes: [], figures: scene.figures, renderSeed: mixSeed(seed, SPLIT_SALT[split], PEOPLE_SALT, i, RENDER_STREAM) };
    const boxes: RawBox[] = scene.figures.map((_, k) => ({
      ...cornersAt(scene.boxes, k),
      categoryId: 1,
      mask: masks[k],
      keypoints: scene.keypoints.subarray(k * K * 3, (k + 1) * K * 3),
      entry: `images[${i}].figures[${k}]`,
    }));
    raws.push(syntheticRawImage(i, spec, boxes));
  }
  const person = { id: 1, name: 'person', keypoints: [...COCO_KEYPOINT_NAMES], skeleton: COCO_SKELETON.map(([a, b]) => [a, b] as [number, number]), entry: 'categories[0]' };
  return buildDataset(`synthetic-people-${split}`, [person], raws, { file: 'synthetic:people', strict: true });
}
