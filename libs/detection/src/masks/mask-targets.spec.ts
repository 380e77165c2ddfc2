import { maskTargetFromPolygons, pasteMask, rleDecode, rleFromPolygon } from './index';

describe('maskTargetFromPolygons', () => {
  it('fills the target when the polygon is the box, and the left half for its left half', () => {
    // Box [10, 20, 18, 24] (8×4 px) at m = 4: the polygon of the box maps to (0,0)-(4,4): all ones.
    const full = maskTargetFromPolygons([[10, 20, 18, 20, 18, 24, 10, 24]], [10, 20, 18, 24], 4);
    expect(Array.from(full)).toEqual(new Array(16).fill(1));
    // Its left half x ∈ [10, 14] maps to u ∈ [0, 2]: columns 0 and 1 of every row (row-major).
    const half = maskTargetFromPolygons([[10, 20, 14, 20, 14, 24, 10, 24]], [10, 20, 18, 24], 4);
    expect(Array.from(half)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]);
    // Its top quarter y ∈ [20, 21] maps to v ∈ [0, 1]: row 0 only.
    const top = maskTargetFromPolygons([[10, 20, 18, 20, 18, 21, 10, 21]], [10, 20, 18, 24], 4);
    expect(Array.from(top)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('pasteMask', () => {
  it('sets the pixels whose centres fall in the box for a mask of ones', () => {
    // Box [2, 2, 6, 6] in 10×10: centres 2.5 … 5.5 → pixels 2..5 in x and y (16 pixels). Pixel 1
    // would sample u = (1.5 − 2)/4 · 28 − 0.5 = −4: beyond the zero padding, so 0.
    const ones = new Float32Array(28 * 28).fill(1);
    const pasted = pasteMask(ones, 28, [2, 2, 6, 6], 10, 10);
    const want = new Uint8Array(100);
    for (let x = 2; x < 6; x++) for (let y = 2; y < 6; y++) want[x * 10 + y] = 1;
    expect(pasted).toEqual(want);
  });

  it('thresholds the bilinear value at 0.5', () => {
    // m = 2, left column 1, right column 0; box [0, 0, 4, 2] in a 2×4 image. Pixel x samples
    // u = (x + 0.5)/4 · 2 − 0.5 = −0.25, 0.25, 0.75, 1.25 (and v = y exactly): the values are
    // 0.75·1 + 0.25·0 (padding) = 0.75, 0.75·1 + 0.25·0 = 0.75, 0.25·1 = 0.25, 0 → x = 0, 1 set.
    const pasted = pasteMask([1, 0, 1, 0], 2, [0, 0, 4, 2], 2, 4);
    expect(Array.from(pasted)).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
  });

  it('pastes a target back to exactly the GT mask', () => {
    // A rectangle polygon: the round trip through a 28×28 target is exact on pixel centres.
    const poly = [3, 4, 15, 4, 15, 11, 3, 11];
    const target = maskTargetFromPolygons([poly], [2, 3, 17, 13], 28);
    expect(pasteMask(target, 28, [2, 3, 17, 13], 16, 20)).toEqual(rleDecode(rleFromPolygon(poly, 16, 20)));
  });
});
