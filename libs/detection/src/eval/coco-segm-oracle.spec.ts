import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CocoDataset } from './coco-format';
import { evaluateCocoSegm, type CocoSegmDetection } from './coco-segm';
import { COCO_STAT_KEYS, type CocoStats } from './coco-summary';

/**
 * Random cases and the official pycocotools answers (C maskApi, COCOeval 'segm'), made by
 * tools/coco-oracle/compare_segm.py fixtures: polygon, multi-polygon, uncompressed and compressed
 * RLE GT, crowds, masks of another size, detections with and without bbox.
 */
interface Fixture {
  seed: number;
  groundTruth: CocoDataset;
  detections: CocoSegmDetection[];
  official: { stats: CocoStats };
}

const dir = join(__dirname, 'fixtures-segm');
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture);

describe('evaluateCocoSegm against the official COCO API (recorded fixtures)', () => {
  it('has the fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });

  it.each(fixtures.map((f) => [f.seed, f] as const))('case %i: the 12 stats agree to 1e-9', (_seed, f) => {
    const { stats } = evaluateCocoSegm(f.groundTruth, f.detections);
    for (const key of COCO_STAT_KEYS) expect(Math.abs(stats[key] - f.official.stats[key]), key).toBeLessThanOrEqual(1e-9);
  });
});
