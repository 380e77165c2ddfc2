import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateCoco } from './coco-eval';
import type { CocoDataset, CocoDetection } from './coco-format';
import { COCO_STAT_KEYS, formatCocoSummary, type CocoStats } from './coco-summary';

/** A case and the official pycocotools answers (see fixtures/README.md for how they were made). */
interface Fixture {
  seed: number;
  groundTruth: CocoDataset;
  detections: CocoDetection[];
  official: { stats: CocoStats; summary: string[]; perCategory: { categoryId: number; ap: number }[] };
}

const dir = join(__dirname, 'fixtures');
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture);

describe('evaluateCoco against the official COCO API (recorded fixtures)', () => {
  it('has the fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });

  it.each(fixtures.map((f) => [f.seed, f] as const))('case %i: the 12 stats agree to 1e-9', (_seed, f) => {
    const { stats } = evaluateCoco(f.groundTruth, f.detections);
    for (const key of COCO_STAT_KEYS) expect(Math.abs(stats[key] - f.official.stats[key]), key).toBeLessThanOrEqual(1e-9);
  });

  it.each(fixtures.map((f) => [f.seed, f] as const))('case %i: per-category AP and the printed summary agree', (_seed, f) => {
    const result = evaluateCoco(f.groundTruth, f.detections);
    expect(result.perCategory.map((c) => c.categoryId)).toEqual(f.official.perCategory.map((c) => c.categoryId));
    result.perCategory.forEach((c, k) => expect(Math.abs(c.ap - f.official.perCategory[k].ap)).toBeLessThanOrEqual(1e-9));
    expect(formatCocoSummary(result.stats, result.params)).toEqual(f.official.summary);
  });

  it('does not modify its inputs (pycocotools loadRes writes area, id and iscrowd into them)', () => {
    const f = fixtures[0];
    const before = JSON.stringify([f.groundTruth, f.detections]);
    evaluateCoco(f.groundTruth, f.detections);
    expect(JSON.stringify([f.groundTruth, f.detections])).toBe(before);
  });
});
