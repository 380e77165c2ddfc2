import fc from 'fast-check';
import { descendingOrder, topKAbove } from './score-order';

describe('descendingOrder', () => {
  it('sorts by descending score, ties by ascending index, NaN last', () => {
    expect(Array.from(descendingOrder([0.2, 0.9, NaN, 0.2, 0.9]))).toEqual([1, 4, 0, 3, 2]);
    expect(descendingOrder([]).length).toBe(0);
  });

  it('gives the same order through the packed float32 sort and the comparator sort (property)', () => {
    const special = fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38);
    const value = fc.oneof(fc.integer({ min: -5, max: 5 }).map((v) => v / 4), special, fc.float({ noNaN: false }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 200 }), (vs) => {
        const f32 = Float32Array.from(vs); // float32 values: the packed path
        const key = (v: number) => (Number.isNaN(v) ? -Infinity : v);
        const expected = vs.map((_, i) => i).sort((a, b) => key(f32[b]) - key(f32[a]) || a - b);
        expect(Array.from(descendingOrder(f32))).toEqual(expected);
        // Not float32 (the 1e-9 shift): the comparator path, same rule.
        const f64 = Array.from(f32, (v) => v + 1e-9);
        const expected64 = vs.map((_, i) => i).sort((a, b) => key(f64[b]) - key(f64[a]) || a - b);
        expect(Array.from(descendingOrder(f64))).toEqual(expected64);
      }),
      { numRuns: 300 },
    );
  });
});

describe('topKAbove', () => {
  it('keeps the k best above the threshold, in order, ties by index', () => {
    // Above 0.1: indices 0 (0.5), 2 (0.7), 3 (0.5), 5 (0.2); best 3 → 2, 0, 3.
    expect(Array.from(topKAbove([0.5, 0.1, 0.7, 0.5, 0.05, 0.2], 0.1, 3))).toEqual([2, 0, 3]);
    // Strictly above: 0.1 itself is out.
    expect(Array.from(topKAbove([0.1, 0.1], 0.1, 5))).toEqual([]);
    expect(Array.from(topKAbove([1, 2], 0, 0))).toEqual([]);
  });

  it('equals a full sort on values with many ties (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 300 }), fc.nat(50), fc.integer({ min: -1, max: 9 }), (vs, k, thr) => {
        const values = Float32Array.from(vs);
        const expected = vs
          .map((_, i) => i)
          .filter((i) => vs[i] > thr)
          .sort((a, b) => vs[b] - vs[a] || a - b)
          .slice(0, k);
        expect(Array.from(topKAbove(values, thr, k))).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
