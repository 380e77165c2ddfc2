import fc from 'fast-check';
import { iou, packWithArea, packedIou } from './iou';

describe('iou', () => {
  it('computes the N×M matrix by hand', () => {
    const a = Float32Array.from([0, 0, 2, 2, 0, 0, 4, 4]);
    const b = Float32Array.from([1, 1, 3, 3, 0, 0, 2, 2, 5, 5, 6, 6]);
    const m = iou(a, b);
    expect(m.length).toBe(6);
    // a0·b0: overlap (1,1)–(2,2) = 1, union 4 + 4 − 1 = 7 → 1/7. a0·b1 identical → 1. a0·b2 disjoint → 0.
    // a1·b0: b0 inside a1 → 4 / 16. a1·b1: 4 / 16. a1·b2: disjoint → 0.
    const expected = [1 / 7, 1, 0, 0.25, 0.25, 0];
    expected.forEach((v, k) => expect(m[k]).toBeCloseTo(v, 6));
  });

  it('gives 0 for touching boxes, zero-area boxes and degenerate boxes, never NaN', () => {
    const a = Float32Array.from([0, 0, 2, 2, 3, 3, 3, 3]); // second: a point
    const b = Float32Array.from([2, 0, 4, 2, 3, 3, 3, 3, 1, 1, 0, 0]); // touching, the same point, inverted
    const m = iou(a, b);
    expect(Array.from(m)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('handles empty inputs', () => {
    expect(iou(new Float32Array(0), Float32Array.from([0, 0, 1, 1])).length).toBe(0);
    expect(iou(Float32Array.from([0, 0, 1, 1]), new Float32Array(0)).length).toBe(0);
  });

  it('writes into a given output and rejects one that is too short', () => {
    const out = new Float32Array(1).fill(9);
    expect(iou(Float32Array.from([0, 0, 1, 1]), Float32Array.from([0, 0, 1, 1]), out)).toBe(out);
    expect(out[0]).toBe(1);
    expect(() => iou(Float32Array.from([0, 0, 1, 1, 0, 0, 1, 1]), Float32Array.from([0, 0, 1, 1]), out)).toThrow(/needs 2/);
  });

  it('is symmetric, in [0, 1], and agrees with packedIou (property)', () => {
    const box = fc
      .tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.nat(30), fc.nat(30))
      .map(([x, y, w, h]) => [x, y, x + w, y + h]);
    fc.assert(
      fc.property(fc.array(box, { maxLength: 8 }), fc.array(box, { maxLength: 8 }), (as, bs) => {
        const a = Float32Array.from(as.flat());
        const b = Float32Array.from(bs.flat());
        const ab = iou(a, b);
        const ba = iou(b, a);
        const pa = packWithArea(a);
        const pb = packWithArea(b);
        for (let i = 0; i < as.length; i++) {
          for (let j = 0; j < bs.length; j++) {
            const v = ab[i * bs.length + j];
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
            expect(v).toBe(ba[j * as.length + i]);
            expect(v).toBe(Math.fround(packedIou(pa, 5 * i, pb, 5 * j)));
          }
        }
      }),
    );
  });
});
