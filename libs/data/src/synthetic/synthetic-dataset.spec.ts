import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { loadImagePixels } from '../image/decode';
import { loadDataset } from '../uri/load-dataset';
import { makeDataRoot, removeDir } from '../testing/fixtures';
import { countAreaRanges } from './area-ranges';
import { EMPTY_EVERY } from './scene';
import { SHAPE_CLASSES } from './shapes';
import { syntheticShapes } from './synthetic-dataset';
import { writeSyntheticCoco } from './write-synthetic';

function digest(ds: ReturnType<typeof syntheticShapes>): string {
  const h = createHash('sha256');
  for (const img of ds.images) {
    h.update(img.render!().data);
    h.update(new Uint8Array(img.boxes.buffer));
    h.update(new Uint8Array(img.labels.buffer));
  }
  return h.digest('hex');
}

describe('synthetic shapes', () => {
  it('gives the same bytes for the same seed, other bytes for another seed or split', () => {
    const a = digest(syntheticShapes({ images: 12, size: 64, seed: 5 }));
    expect(digest(syntheticShapes({ images: 12, size: 64, seed: 5 }))).toBe(a);
    expect(digest(syntheticShapes({ images: 12, size: 64, seed: 6 }))).not.toBe(a);
    expect(digest(syntheticShapes({ images: 12, size: 64, seed: 5, split: 'val' }))).not.toBe(a);
  });

  it('keeps train, val and the held-out test split disjoint: no image of one equals an image of another', () => {
    const hash = (ds: ReturnType<typeof syntheticShapes>): Set<string> =>
      new Set(ds.images.map((i) => createHash('sha1').update(i.render!().data).digest('hex')));
    const train = hash(syntheticShapes({ images: 40, size: 64, seed: 1, split: 'train' }));
    const val = hash(syntheticShapes({ images: 40, size: 64, seed: 1, split: 'val' }));
    const test = hash(syntheticShapes({ images: 40, size: 64, seed: 1, split: 'test' }));
    expect([...val].filter((v) => train.has(v))).toEqual([]);
    expect([...test].filter((v) => train.has(v) || val.has(v))).toEqual([]);
  });

  it('renders image i independently of the others (a prefix of a larger set is the smaller set)', () => {
    const larger = syntheticShapes({ images: 9, size: 64, seed: 2 });
    expect(digest(syntheticShapes({ images: 5, size: 64, seed: 2 }))).toBe(digest({ ...larger, images: larger.images.slice(0, 5) }));
  });

  it('draws only the size bands asked for, and the same images as before when all three are asked for', () => {
    expect(digest(syntheticShapes({ images: 12, size: 32, seed: 5, sizes: ['small', 'medium', 'large'] }))).toBe(digest(syntheticShapes({ images: 12, size: 32, seed: 5 })));
    const sides = (ds: ReturnType<typeof syntheticShapes>) => ds.images.flatMap((i) => i.synthetic!.shapes.map((s) => Math.sqrt(4 * s.rx * s.ry)));
    const all = sides(syntheticShapes({ images: 100, size: 96, seed: 1 }));
    const noSmall = sides(syntheticShapes({ images: 100, size: 96, seed: 1, sizes: ['medium', 'large'] }));
    expect(all.some((s) => s < 32)).toBe(true);
    expect(noSmall.length).toBeGreaterThan(100);
    expect(Math.min(...noSmall)).toBeGreaterThanOrEqual(36);
    expect(syntheticShapes({ images: 20, size: 128, seed: 1, sizes: ['large'] }).images.every((i) => i.synthetic!.shapes.every((s) => 2 * s.rx > 96 || 2 * s.ry > 96))).toBe(true);
  });

  it.each([128, 256])('populates COCO small, medium and large at size %i, all 7 classes, 10 %% empty images', (size) => {
    const ds = syntheticShapes({ images: 200, size, seed: 1 });
    const counts = countAreaRanges(ds);
    const total = counts.small + counts.medium + counts.large;
    console.log(`size ${size}: small ${(counts.small / total).toFixed(2)}, medium ${(counts.medium / total).toFixed(2)}, large ${(counts.large / total).toFixed(2)} of ${total} boxes`);
    // Each range must hold enough boxes for its AP to be meaningful, not merely defined.
    expect(counts.small / total).toBeGreaterThan(0.2);
    expect(counts.medium / total).toBeGreaterThan(0.2);
    expect(counts.large / total).toBeGreaterThan(0.05);
    const seen = new Set(ds.images.flatMap((i) => Array.from(i.labels)));
    expect(seen.size).toBe(SHAPE_CLASSES.length);
    // 200 images, every 10th (index ≡ 9 mod 10) empty: exactly 20.
    expect(ds.report.emptyImages).toBe(200 / EMPTY_EVERY);
    expect(ds.categories.map((c) => c.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('writeSyntheticCoco', () => {
  let root: string;
  beforeEach(() => {
    root = makeDataRoot();
  });
  afterEach(() => removeDir(root));

  it('writes a COCO dataset that reads back with the same boxes, labels and pixels', async () => {
    const written = await writeSyntheticCoco(path.join(root, 'synth'), { images: 6, size: 64, seed: 9, split: 'val' });
    expect(path.basename(written.annotationsFile)).toBe('val.json');
    const back = await loadDataset('coco:synth/val.json?images=synth/val', { dataRoot: root });
    const mem = await loadDataset('synthetic:shapes?images=6&size=64&seed=9&split=val');
    expect(back.categories).toEqual(mem.categories);
    expect(back.images.map((i) => i.id)).toEqual(mem.images.map((i) => i.id));
    for (let i = 0; i < 6; i++) {
      expect(Array.from(back.images[i]!.boxes)).toEqual(Array.from(mem.images[i]!.boxes));
      expect(Array.from(back.images[i]!.labels)).toEqual(Array.from(mem.images[i]!.labels));
      // PNG is lossless: decoded bytes equal the rendered bytes.
      const decoded = await loadImagePixels(back.images[i]!);
      expect(Buffer.compare(Buffer.from(decoded.data), Buffer.from(mem.images[i]!.render!().data))).toBe(0);
    }
  });
});
