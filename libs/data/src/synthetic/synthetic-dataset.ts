import { buildDataset, cornersAt, type RawBox, type RawImage } from '../dataset/dataset-builder';
import type { Dataset } from '../dataset/dataset';
import { mixSeed, Rng } from './prng';
import { renderSynthetic } from './render';
import type { SyntheticImageSpec } from './synthetic-spec';
import { instanceRles } from './instance-rles';
import { layoutScene, SIZE_BANDS, type SizeBand } from './scene';
import { SHAPE_CLASSES } from './shapes';

/** `test` is held out: a stream no choice of settings is made on (choose on `val`, report on `test`). */
export type SyntheticSplit = 'train' | 'val' | 'test';

/** Parameters of `synthetic:shapes?images=512&size=128&seed=1&split=train`. */
export interface SyntheticOptions {
  /** Number of images. @defaultValue 512 */
  images?: number;
  /** Square image side, pixels. @defaultValue 128 */
  size?: number;
  /** @defaultValue 0 */
  seed?: number;
  /** Disjoint streams of images for the same seed. @defaultValue 'train' */
  split?: SyntheticSplit;
  /** The object sizes drawn, by COCO area range (`sizes=medium,large` leaves out small objects). @defaultValue all three */
  sizes?: SizeBand[];
}

/** Salts that keep the splits' streams (and layout vs. colour draws) apart. */
export const SPLIT_SALT: Record<SyntheticSplit, number> = { train: 0x7a11, val: 0x0a1d, test: 0x7e57 };
const LAYOUT_STREAM = 1;
const RENDER_STREAM = 2;

/** Image `index` of a synthetic set (id index + 1) with its boxes, rendered from `spec` on demand. */
export function syntheticRawImage(index: number, spec: SyntheticImageSpec, boxes: RawBox[]): RawImage {
  return { id: index + 1, width: spec.size, height: spec.size, render: () => renderSynthetic(spec), synthetic: spec, boxes, entry: `images[${index}]` };
}

/**
 * The synthetic shapes dataset, in memory: 7 classes (SHAPE_CLASSES, category ids 1…7), boxes
 * and instance masks (each shape's visible pixels, as RLE) computed from the exact rasteriser at load, pixels rendered on demand by `render()` (nothing
 * touches disk). Image ids are 1…N. Image i depends only on (seed, split, i).
 */
export function syntheticShapes(options: SyntheticOptions = {}): Dataset {
  const { images = 512, size = 128, seed = 0, split = 'train', sizes = [...SIZE_BANDS] } = options;
  const raws: RawImage[] = [];
  for (let i = 0; i < images; i++) {
    const scene = layoutScene(size, i, new Rng(mixSeed(seed, SPLIT_SALT[split], i, LAYOUT_STREAM)), sizes);
    // Keep only the shapes; the owner map is rebuilt when rendering (memory stays O(boxes)).
    const masks = instanceRles(scene.owner, size, scene.shapes.length);
    const spec: SyntheticImageSpec = { size, shapes: scene.shapes, renderSeed: mixSeed(seed, SPLIT_SALT[split], i, RENDER_STREAM) };
    const boxes: RawBox[] = Array.from(scene.labels, (label, k) => ({
      ...cornersAt(scene.boxes, k),
      categoryId: label + 1,
      mask: masks[k],
      entry: `images[${i}].shapes[${k}]`,
    }));
    raws.push(syntheticRawImage(i, spec, boxes));
  }
  const categories = SHAPE_CLASSES.map((name, k) => ({ id: k + 1, name, entry: `categories[${k}]` }));
  return buildDataset(`synthetic-shapes-${split}`, categories, raws, { file: 'synthetic:shapes', strict: true });
}
