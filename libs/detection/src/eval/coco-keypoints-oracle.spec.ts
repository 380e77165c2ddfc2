import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CocoDataset } from './coco-format';
import { evaluateCocoKeypoints, type CocoKeypointDetection } from './coco-keypoints';
import { COCO_KEYPOINT_STAT_KEYS, formatCocoKeypointSummary, type CocoKeypointStats } from './coco-summary';

/**
 * Random person-keypoint cases and the official pycocotools answers (COCOeval 'keypoints', its
 * cocoeval.py and coco.py run unchanged), made by tools/coco-oracle/compare_keypoints.py fixtures
 * (see fixtures-keypoints/README.md): crowds, num_keypoints 0, unlabelled and occluded keypoints,
 * images without people, > 20 detections an image, score ties, detections with and without bbox.
 */
interface Fixture {
  seed: number;
  counts: { maxDetectionsPerImage: number; crowds: number; numKeypointsZero: number; imagesWithoutPeople: number; detectionsWithBbox: number };
  groundTruth: CocoDataset;
  detections: CocoKeypointDetection[];
  official: { stats: CocoKeypointStats; summary: string[]; perCategory: { categoryId: number; ap: number }[] };
}

const dir = join(__dirname, 'fixtures-keypoints');
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture);

describe('evaluateCocoKeypoints against the official COCO API (recorded fixtures)', () => {
  it('has fixtures covering > 20 detections an image, crowds, num_keypoints 0, images without people, both loadRes branches', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(6);
    expect(fixtures.some((f) => f.counts.maxDetectionsPerImage > 20)).toBe(true);
    expect(fixtures.every((f) => f.counts.numKeypointsZero > 0 && f.counts.imagesWithoutPeople >= 0)).toBe(true);
    expect(fixtures.some((f) => f.counts.crowds > 0)).toBe(true);
    expect(fixtures.some((f) => f.counts.imagesWithoutPeople > 0)).toBe(true);
    expect(fixtures.some((f) => f.counts.detectionsWithBbox > 0)).toBe(true);
    expect(fixtures.some((f) => f.counts.detectionsWithBbox === 0)).toBe(true);
  });

  it.each(fixtures.map((f) => [f.seed, f] as const))('case %i: the 10 stats agree to 1e-9, the summary lines exactly', (_seed, f) => {
    const result = evaluateCocoKeypoints(f.groundTruth, f.detections);
    for (const key of COCO_KEYPOINT_STAT_KEYS) expect(Math.abs(result.stats[key] - f.official.stats[key]), key).toBeLessThanOrEqual(1e-9);
    expect(formatCocoKeypointSummary(result.stats, result.params)).toEqual(f.official.summary);
    result.perCategory.forEach((c, k) => {
      expect(c.categoryId).toBe(f.official.perCategory[k]!.categoryId);
      expect(Math.abs(c.ap - f.official.perCategory[k]!.ap)).toBeLessThanOrEqual(1e-9);
    });
  });
});
