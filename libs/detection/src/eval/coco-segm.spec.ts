import { rleEncode, rleFromPolygon, rleToString } from '../masks';
import type { CocoDataset } from './coco-format';
import { CocoInputError } from './coco-input';
import { buildCocoSegmTables, evaluateCocoSegm, type CocoSegmDetection } from './coco-segm';

// Image 20×20. GT: the right triangle (0,0), (10,0), (0,10): column x keeps rows y with centre
// y + 0.5 < 10 − (x + 0.5), i.e. 9 − x rows: 9 + 8 + … + 0 = 45 pixels (as masks.spec works out
// for the 4×4 triangle). The square (0,0)-(10,10) is 100 pixels and contains it: IoU 45/100.
const TRIANGLE = [0, 0, 10, 0, 0, 10];
const SQUARE = [0, 0, 10, 0, 10, 10, 0, 10];

function gtWith(segmentation: unknown, extra: Partial<CocoDataset['annotations'][number]> = {}): CocoDataset {
  return {
    images: [{ id: 1, height: 20, width: 20 }],
    categories: [{ id: 1, name: 'thing' }],
    annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 45, iscrowd: 0, segmentation, ...extra }],
  };
}

/** A detection whose mask is the polygon, as a compressed RLE (what results files carry). */
function det(poly: number[], score: number, h = 20, w = 20): CocoSegmDetection {
  const rle = rleFromPolygon(poly, h, w);
  return { image_id: 1, category_id: 1, score, segmentation: { size: [h, w], counts: rleToString(rle) } };
}

describe('evaluateCocoSegm on cases worked by hand', () => {
  it('scores masks, not boxes: the triangle matches itself, its bounding square misses', () => {
    // The square (score .9) has IoU .45 < .5: a false positive at every threshold; the triangle
    // (.8) matches: rc = [0, 1], pr = [0, 1/2] → precision envelope 1/2 at every recall: AP = 1/2.
    // (As boxes both would be IoU 1.) The GT area 45 < 32² is small: APm, APl −1.
    const { stats } = evaluateCocoSegm(gtWith([TRIANGLE]), [det(SQUARE, 0.9), det(TRIANGLE, 0.8)]);
    expect(stats.AP).toBeCloseTo(0.5, 15);
    expect(stats.AP50).toBeCloseTo(0.5, 15);
    expect(stats.APs).toBeCloseTo(0.5, 15);
    expect(stats.APm).toBe(-1);
    // AR1 keeps only the square: recall 0; AR10 both: 1.
    expect(stats.AR1).toBe(0);
    expect(stats.AR10).toBe(1);
  });

  it('reads GT polygons, uncompressed and compressed RLE alike', () => {
    const rle = rleFromPolygon(TRIANGLE, 20, 20);
    const dets = [det(TRIANGLE, 0.9), det(SQUARE, 0.8)];
    const fromPoly = evaluateCocoSegm(gtWith([TRIANGLE]), dets).stats;
    const fromUncompressed = evaluateCocoSegm(gtWith({ size: [20, 20], counts: Array.from(rle.counts) }), dets).stats;
    const fromCompressed = evaluateCocoSegm(gtWith({ size: [20, 20], counts: rleToString(rle) }), dets).stats;
    // The triangle first: precision 1 at the only recall: AP = 1/(1 + ε).
    expect(fromPoly.AP).toBeCloseTo(1, 15);
    expect(fromUncompressed).toEqual(fromPoly);
    expect(fromCompressed).toEqual(fromPoly);
  });

  it('treats a crowd GT as an ignore region with IoU over the detection area', () => {
    // Crowd = the square; detection = the triangle inside it: IoU 45/45 = 1 (a plain GT would give
    // 45/100 and no match), so it is ignored, not a false positive; with no positive GT AP is −1.
    const stats = evaluateCocoSegm(gtWith([SQUARE], { iscrowd: 1, area: 100 }), [det(TRIANGLE, 0.9)]).stats;
    expect(stats.AP).toBe(-1);
  });

  it('never matches a mask of another size (rleIou gives −1)', () => {
    const stats = evaluateCocoSegm(gtWith([TRIANGLE]), [det(TRIANGLE, 0.9, 20, 21)]).stats;
    expect(stats.AP).toBe(0);
  });

  it('takes detection areas from masks, or from boxes when the first detection has one (loadRes)', () => {
    const withoutBox = buildCocoSegmTables(gtWith([TRIANGLE]), [det(TRIANGLE, 0.9)]);
    expect(Array.from(withoutBox.segm!.dtArea)).toEqual([45]);
    const boxed: CocoSegmDetection = { ...det(TRIANGLE, 0.9), bbox: [0, 0, 40, 40] };
    expect(Array.from(buildCocoSegmTables(gtWith([TRIANGLE]), [boxed]).segm!.dtArea)).toEqual([1600]);
    expect(() => buildCocoSegmTables(gtWith([TRIANGLE]), [boxed, det(TRIANGLE, 0.5)])).toThrow(/\[1\]\.bbox: missing/);
  });

  it('names the bad entry', () => {
    const noSize: CocoDataset = { ...gtWith([TRIANGLE]), images: [{ id: 1 }] };
    expect(() => evaluateCocoSegm(noSize, [det(TRIANGLE, 0.9)])).toThrow(/annotations\[0\]\.segmentation: polygons need/);
    expect(() => evaluateCocoSegm(gtWith(undefined), [det(TRIANGLE, 0.9)])).toThrow(CocoInputError);
    const bad = { ...det(TRIANGLE, 0.9), segmentation: { size: [20, 20], counts: '1~' } };
    expect(() => evaluateCocoSegm(gtWith([TRIANGLE]), [bad])).toThrow(/\[0\]\.segmentation: RLE string/);
    expect(() => evaluateCocoSegm(gtWith([TRIANGLE]), [{ ...det(TRIANGLE, 1), score: Number.NaN }])).toThrow(/\[0\]\.score/);
  });

  it('a mask encoded by rleEncode scores as its polygon', () => {
    // The 10×10 square as pixels x, y ∈ 0..9 in column-major order equals the polygon's raster.
    const m = new Uint8Array(400);
    for (let x = 0; x < 10; x++) m.fill(1, x * 20, x * 20 + 10);
    const r = rleEncode(m, 20, 20);
    expect(Array.from(r.counts)).toEqual(Array.from(rleFromPolygon(SQUARE, 20, 20).counts));
  });
});
