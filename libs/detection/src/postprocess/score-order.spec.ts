import fc from 'fast-check';
import { descendingOrder, topKAbove } from './score-order';

describe('descendingOrder', () => {
  it('sorts by descending score, ties by ascending index, NaN last', () => {
    expect(Array.from(descendingOrder([0.2, 0.9, NaN, 0.2, 0.9]))).toEqual([1, 4, 0, 3, 2]);
    expect(descendingOrder([]).length).toBe(0);
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
