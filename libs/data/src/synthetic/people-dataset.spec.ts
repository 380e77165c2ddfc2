import { createHash } from 'node:crypto';
import { datasetKeypointCount, KEYPOINT_OCCLUDED, KEYPOINT_UNLABELLED, KEYPOINT_VISIBLE, type Dataset } from '../dataset/dataset';
import { toCocoGroundTruth } from '../convert/to-coco';
import { imageGroundTruth } from '../inspect/dataset-images';
import { loadDataset } from '../uri/load-dataset';
import { countAreaRanges } from './area-ranges';
import { syntheticPeople } from './people-dataset';
import { figureOwnerMap } from './people-scene';
import { EMPTY_EVERY } from './scene';
import { COCO_KEYPOINT_NAMES, COCO_SKELETON } from './stick-figure';

const K = 17;

function digest(ds: Dataset): string {
  const h = createHash('sha256');
  for (const img of ds.images) {
    h.update(img.render!().data);
    h.update(new Uint8Array(img.boxes.buffer));
    h.update(new Uint8Array(img.keypoints!.buffer));
  }
  return h.digest('hex');
}

describe('synthetic people', () => {
  it('gives the same bytes, boxes and keypoints for the same seed and split, others for another seed or split', () => {
    const a = digest(syntheticPeople({ images: 10, size: 64, seed: 5 }));
    expect(digest(syntheticPeople({ images: 10, size: 64, seed: 5 }))).toBe(a);
    expect(digest(syntheticPeople({ images: 10, size: 64, seed: 6 }))).not.toBe(a);
    expect(digest(syntheticPeople({ images: 10, size: 64, seed: 5, split: 'test' }))).not.toBe(a);
  });

  it("has one category, person, with COCO's 17 keypoint names and skeleton; 17 (x, y, v) a box", async () => {
    const ds = await loadDataset('synthetic:people?images=20&size=96&seed=2&split=val');
    expect(ds.name).toBe('synthetic-people-val');
    expect(ds.categories).toHaveLength(1);
    expect(ds.categories[0]!.name).toBe('person');
    expect(ds.categories[0]!.keypoints).toEqual([...COCO_KEYPOINT_NAMES]);
    expect(ds.categories[0]!.keypoints!.slice(0, 3)).toEqual(['nose', 'left_eye', 'right_eye']);
    expect(ds.categories[0]!.skeleton).toHaveLength(19);
    expect(ds.categories[0]!.skeleton![0]).toEqual([16, 14]);
    expect(COCO_SKELETON.flat().every((j) => j >= 1 && j <= K)).toBe(true);
    expect(datasetKeypointCount(ds)).toBe(K);
    for (const img of ds.images) {
      expect(img.keypoints!.length).toBe(img.labels.length * K * 3);
      expect(img.numKeypoints!.length).toBe(img.labels.length);
    }
    // The COCO ground truth carries them as a person_keypoints file does.
    const gt = toCocoGroundTruth(ds);
    expect(gt.categories[0]!.keypoints).toHaveLength(K);
    expect(gt.annotations[0]!.keypoints).toHaveLength(3 * K);
    expect(gt.annotations[0]!.num_keypoints).toBe(gt.annotations[0]!.keypoints!.filter((_, i) => i % 3 === 2 && _ > 0).length);
    // And an image's ground truth as the API serves it (GET /runs/:id/images/:imageId/annotations).
    const shown = imageGroundTruth(ds, ds.images[0]!);
    expect(shown[0]).toMatchObject({ keypoints: gt.annotations[0]!.keypoints, num_keypoints: gt.annotations[0]!.num_keypoints });
  });

  it('flags a keypoint visible where its pixel shows its figure, occluded where a later figure covers it, unlabelled off the image', () => {
    const ds = syntheticPeople({ images: 60, size: 128, seed: 4 });
    const counts = [0, 0, 0];
    for (const img of ds.images) {
      const figures = img.synthetic!.figures!;
      expect(figures).toHaveLength(img.labels.length);
      const owner = figureOwnerMap(128, figures);
      for (let i = 0; i < figures.length; i++) {
        let labelled = 0;
        for (let j = 0; j < K; j++) {
          const [x, y, v] = Array.from(img.keypoints!.subarray(3 * (i * K + j), 3 * (i * K + j) + 3)) as [number, number, number];
          const [fx, fy] = [figures[i]!.keypoints[2 * j]!, figures[i]!.keypoints[2 * j + 1]!];
          counts[v]!++;
          if (v === KEYPOINT_UNLABELLED) {
            expect([x, y]).toEqual([0, 0]);
            expect(fx < 0 || fy < 0 || fx >= 128 || fy >= 128).toBe(true);
            continue;
          }
          labelled++;
          const o = owner[Math.floor(y) * 128 + Math.floor(x)]!;
          if (v === KEYPOINT_VISIBLE) {
            expect(o).toBe(i);
            // A visible keypoint lies in its box (the tight box of the figure's visible pixels).
            const b = img.boxes.subarray(4 * i, 4 * i + 4);
            expect(x >= b[0]! && x <= b[2]! && y >= b[1]! && y <= b[3]!).toBe(true);
          } else {
            expect(v).toBe(KEYPOINT_OCCLUDED);
            // Covered by a figure drawn after it.
            expect(o).toBeGreaterThan(i);
          }
        }
        expect(img.numKeypoints![i]).toBe(labelled);
      }
    }
    // All three flags occur.
    expect(counts.every((c) => c > 0)).toBe(true);
  });

  it('populates COCO small, medium and large at size 128, with 10 % empty images', () => {
    const ds = syntheticPeople({ images: 200, size: 128, seed: 1 });
    const counts = countAreaRanges(ds);
    const total = counts.small + counts.medium + counts.large;
    expect(counts.small / total).toBeGreaterThan(0.2);
    expect(counts.medium / total).toBeGreaterThan(0.2);
    expect(counts.large / total).toBeGreaterThan(0.03);
    expect(ds.report.emptyImages).toBe(200 / EMPTY_EVERY);
  });

  it('refuses an unknown synthetic set, naming the known ones', async () => {
    await expect(loadDataset('synthetic:robots')).rejects.toThrow(/known: shapes, people/);
    await expect(loadDataset('synthetic:people?colour=red')).rejects.toThrow(/unknown parameter 'colour'/);
  });
});
