import fc from 'fast-check';
import { convertBoxes, cxcywhToXywh, cxcywhToXyxy, xywhToCxcywh, xywhToXyxy, xyxyToCxcywh, xyxyToXywh } from './box-convert';

// One box, XYXY (10, 20, 50, 80): width 50 − 10 = 40, height 80 − 20 = 60, centre (10 + 20, 20 + 30) = (30, 50).
const XYXY = [10, 20, 50, 80];
const XYWH = [10, 20, 40, 60];
const CXCYWH = [30, 50, 40, 60];

describe('box format conversions', () => {
  it('converts one box between all three formats', () => {
    expect(Array.from(xyxyToXywh(XYXY))).toEqual(XYWH);
    expect(Array.from(xywhToXyxy(XYWH))).toEqual(XYXY);
    expect(Array.from(xyxyToCxcywh(XYXY))).toEqual(CXCYWH);
    expect(Array.from(cxcywhToXyxy(CXCYWH))).toEqual(XYXY);
    expect(Array.from(xywhToCxcywh(XYWH))).toEqual(CXCYWH);
    expect(Array.from(cxcywhToXywh(CXCYWH))).toEqual(XYWH);
  });

  it('converts several boxes independently, and a zero-area box to zero size', () => {
    // Second box (5, 5, 5, 9): width 0, height 4, centre (5, 7).
    const out = xyxyToCxcywh([...XYXY, 5, 5, 5, 9]);
    expect(Array.from(out)).toEqual([...CXCYWH, 5, 7, 0, 4]);
  });

  it('handles empty arrays and rejects lengths that are not a multiple of 4', () => {
    expect(xyxyToXywh(new Float32Array(0)).length).toBe(0);
    expect(() => xyxyToXywh([1, 2, 3])).toThrow(/4 numbers a box, got length 3/);
  });

  it('convertBoxes returns a copy for the same format and goes through every pair', () => {
    const src = Float32Array.from(XYXY);
    const same = convertBoxes(src, 'xyxy', 'xyxy');
    expect(same).not.toBe(src);
    expect(Array.from(same)).toEqual(XYXY);
    expect(Array.from(convertBoxes(XYWH, 'xywh', 'cxcywh'))).toEqual(CXCYWH);
    expect(Array.from(convertBoxes(CXCYWH, 'cxcywh', 'xywh'))).toEqual(XYWH);
  });

  it('round-trips any box through the other formats (property)', () => {
    const coord = fc.integer({ min: -1000, max: 1000 });
    fc.assert(
      fc.property(coord, coord, fc.nat(500), fc.nat(500), (x, y, w, h) => {
        // Integers below 2^24 are exact in float32, so the round trip is exact.
        const box = [x, y, x + w, y + h];
        expect(Array.from(cxcywhToXyxy(xyxyToCxcywh(box)))).toEqual(box);
        expect(Array.from(xywhToXyxy(xyxyToXywh(box)))).toEqual(box);
      }),
    );
  });
});
