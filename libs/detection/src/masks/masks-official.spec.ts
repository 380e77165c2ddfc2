import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskIou, rleArea, rleFromPolygon, rleFromString, rleToBbox, rleToString } from './index';

/** Random polygons rasterised by the official C maskApi (tools/coco-oracle/compare_segm.py fixtures). */
interface Fixture {
  polygons: { poly: number[]; h: number; w: number; counts: string; area: number; bbox: number[] }[];
  iou: { h: number; w: number; dt: string[]; gt: string[]; iscrowd: number[]; official: number[][] };
}

const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'official-masks.json'), 'utf8')) as Fixture;

describe('the mask API against the official maskApi.c (recorded fixtures)', () => {
  it('rasterises every polygon to the same compressed RLE, area and box', () => {
    expect(fixture.polygons.length).toBeGreaterThanOrEqual(50);
    for (const p of fixture.polygons) {
      const rle = rleFromPolygon(p.poly, p.h, p.w);
      expect(rleToString(rle)).toBe(p.counts);
      expect(rleArea(rle)).toBe(p.area);
      expect(rleToBbox(rle)).toEqual(p.bbox);
    }
  });

  it('gives the same IoU matrix, crowds included', () => {
    const { h, w } = fixture.iou;
    const dt = fixture.iou.dt.map((s) => rleFromString(s, h, w));
    const gt = fixture.iou.gt.map((s) => rleFromString(s, h, w));
    const got = maskIou(dt, gt, fixture.iou.iscrowd);
    got.forEach((row, d) => row.forEach((v, g) => expect(v).toBe(fixture.iou.official[d][g])));
    // Not all zero: the fixture exercises overlaps.
    expect(got.flat().filter((v) => v > 0).length).toBeGreaterThan(3);
  });
});
