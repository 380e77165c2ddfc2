import {
  CocoSegmentationError,
  maskIou,
  rleArea,
  rleDecode,
  rleEncode,
  rleFromBbox,
  rleFromPolygon,
  rleFromString,
  rleMerge,
  rleToBbox,
  rleToString,
  segmentationToRle,
  type Rle,
} from './index';

/** An h×w mask, column-major as COCO, with the listed (x, y) pixels set. */
function maskOf(h: number, w: number, pixels: [number, number][]): Uint8Array {
  const m = new Uint8Array(h * w);
  for (const [x, y] of pixels) m[x * h + y] = 1;
  return m;
}

const counts = (r: Rle) => Array.from(r.counts);

describe('rleEncode / rleDecode / rleArea / rleToBbox', () => {
  it('encodes column-major runs starting with zeros', () => {
    // h = 3, w = 2: column 0 is 0 1 1, column 1 is 1 0 0 → runs 1 zero, 3 ones, 2 zeros.
    const m = maskOf(3, 2, [[0, 1], [0, 2], [1, 0]]);
    const r = rleEncode(m, 3, 2);
    expect(counts(r)).toEqual([1, 3, 2]);
    expect(rleDecode(r)).toEqual(m);
    expect(rleArea(r)).toBe(3);
    // Pixels x ∈ 0..1, y ∈ 0..2; the 1-run wraps from column 0 to 1, so the box spans full height.
    expect(rleToBbox(r)).toEqual([0, 0, 2, 3]);
  });

  it('starts with an empty zero run when the first pixel is set, and handles the empty mask', () => {
    expect(counts(rleEncode([1, 1, 0, 0], 2, 2))).toEqual([0, 2, 2]);
    const empty = rleEncode(new Uint8Array(6), 3, 2);
    expect(counts(empty)).toEqual([6]);
    expect(rleArea(empty)).toBe(0);
    expect(rleToBbox(empty)).toEqual([0, 0, 0, 0]);
  });

  it('boxes a blob within one column range tightly', () => {
    // 5×4, pixels (1,1), (1,2), (2,2): x 1..2, y 1..2 → [1, 1, 2, 2].
    expect(rleToBbox(rleEncode(maskOf(5, 4, [[1, 1], [1, 2], [2, 2]]), 5, 4))).toEqual([1, 1, 2, 2]);
  });

  it('rejects a mask of the wrong size', () => {
    expect(() => rleEncode([0, 1, 0], 2, 2)).toThrow(/h·w = 2·2 = 4/);
  });
});

describe('rleFromPolygon', () => {
  it('rasterises an integer square to the pixels whose centres it covers', () => {
    // Square (0,0)-(2,2) ×5 = (0,0)-(10,10). The bottom edge (y 10) crosses pixel-centre columns
    // at u = 5x + 2 → 5x + 3, i.e. x = 0, 1, with y = ⌈10.5 / 5 − 0.5⌉ = 2; the top edge at
    // y = ⌈max(0, 0.5 / 5 − 0.5)⌉ = 0. Starts x·4 + y: 0, 2, 4, 6 and 16 → runs 0 2 2 2 10.
    const r = rleFromPolygon([0, 0, 0, 2, 2, 2, 2, 0], 4, 4);
    expect(counts(r)).toEqual([0, 2, 2, 2, 10]);
    expect(rleDecode(r)).toEqual(maskOf(4, 4, [[0, 0], [0, 1], [1, 0], [1, 1]]));
    // The same box through rleFromBbox; the vertex order does not matter.
    expect(counts(rleFromBbox([0, 0, 2, 2], 4, 4))).toEqual([0, 2, 2, 2, 10]);
    expect(counts(rleFromPolygon([0, 0, 2, 0, 2, 2, 0, 2], 4, 4))).toEqual([0, 2, 2, 2, 10]);
  });

  it('rounds half-pixel vertices as maskApi.c', () => {
    // (0.5, 0.5)-(2.5, 2.5) ×5 + 0.5 → (3, 3)-(13, 13): columns x = 1, 2 (u = 7, 12); rows from
    // ⌈3.5 / 5 − 0.5⌉ = 1 to below ⌈13.5 / 5 − 0.5⌉ = 3. Starts 5, 7, 9, 11, 16 → 5 2 2 2 5.
    expect(counts(rleFromPolygon([0.5, 0.5, 0.5, 2.5, 2.5, 2.5, 2.5, 0.5], 4, 4))).toEqual([5, 2, 2, 2, 5]);
  });

  it('clips a polygon beyond the image', () => {
    // (−1, −1)-(9, 1) in a 3×3 image: every column, rows 0 only (⌈5.5 / 5 − 0.5⌉ = 1 ends it).
    const r = rleFromPolygon([-1, -1, 9, -1, 9, 1, -1, 1], 3, 3);
    expect(rleDecode(r)).toEqual(maskOf(3, 3, [[0, 0], [1, 0], [2, 0]]));
  });

  it('rasterises a right triangle as a staircase', () => {
    // Triangle (0,0), (4,0), (0,4) in 4×4; pixel x's centre is x + 0.5. ×5 the hypotenuse runs
    // u = t, v = 20 − t; column 0 is crossed between u = 3 and 2, at v = min(17, 18) = 17 →
    // ⌈17.5 / 5 − 0.5⌉ = 3: rows 0..2 (row 3's centre 3.5 lies on the edge, outside). Likewise
    // columns 1, 2, 3 end at rows 2, 1, 0: heights 3 2 1 0, area 6.
    const r = rleFromPolygon([0, 0, 4, 0, 0, 4], 4, 4);
    expect(rleArea(r)).toBe(6);
    const m = rleDecode(r);
    const heights = [0, 1, 2, 3].map((x) => m.subarray(x * 4, x * 4 + 4).reduce((a, b) => a + b, 0));
    expect(heights).toEqual([3, 2, 1, 0]);
  });
});

describe('compressed RLE strings', () => {
  it('writes small counts as one character and differences from the third count on', () => {
    // 1, 3, 2 → '1' '3' '2'. Then 40 = 0b1_01000: low group 8 | 0x20 → 'X', then 1 → '1'.
    expect(rleToString({ h: 3, w: 2, counts: Uint32Array.from([1, 3, 2]) })).toBe('132');
    expect(rleToString({ h: 8, w: 5, counts: Uint32Array.from([0, 40]) })).toBe('0X1');
    // Counts 5 4 2 1: the fourth is written as 1 − 4 = −3 → group 29 (sign bit 0x10 set), 'M'.
    const r = { h: 3, w: 4, counts: Uint32Array.from([5, 4, 2, 1]) };
    expect(rleToString(r)).toBe('542M');
    expect(counts(rleFromString('542M', 3, 4))).toEqual([5, 4, 2, 1]);
    expect(counts(rleFromString('0X1', 8, 5))).toEqual([0, 40]);
  });

  it('round-trips long masks', () => {
    let s = 7;
    const m = new Uint8Array(37 * 41).map(() => ((s = (s * 1103515245 + 12345) % 2 ** 31) >> 16) % 7 < 3 ? 1 : 0);
    const r = rleEncode(m, 37, 41);
    const back = rleFromString(rleToString(r), 37, 41);
    expect(counts(back)).toEqual(counts(r));
    expect(rleDecode(back)).toEqual(m);
  });

  it('names a bad character', () => {
    expect(() => rleFromString('1~', 2, 2)).toThrow(/"~" at 1/);
  });
});

describe('maskIou', () => {
  // 4×4: a = x 0..1, y 0..1; b = x 1..2, y 1..2; c = x 3, y 3. a ∩ b = (1,1).
  const a = rleEncode(maskOf(4, 4, [[0, 0], [0, 1], [1, 0], [1, 1]]), 4, 4);
  const b = rleEncode(maskOf(4, 4, [[1, 1], [1, 2], [2, 1], [2, 2]]), 4, 4);
  const c = rleEncode(maskOf(4, 4, [[3, 3]]), 4, 4);

  it('is intersection over union, or over the detection for a crowd GT', () => {
    // 1 / (4 + 4 − 1) = 1/7; crowd: 1/4; disjoint: 0; itself: 1.
    expect(maskIou([a], [b, c, a])).toEqual([[1 / 7, 0, 1]]);
    expect(maskIou([a, c], [b], [1])).toEqual([[1 / 4], [0]]);
  });

  it('is −1 for overlapping masks of different sizes', () => {
    const big = rleEncode(maskOf(5, 4, [[1, 1]]), 5, 4);
    expect(maskIou([a], [big])).toEqual([[-1]]);
  });
});

describe('segmentationToRle', () => {
  it('reads polygons (merged), uncompressed and compressed RLE alike', () => {
    const twoSquares = segmentationToRle([[0, 0, 0, 1, 1, 1, 1, 0], [2, 2, 2, 3, 3, 3, 3, 2]], 4, 4);
    // Pixels (0,0) and (2,2): starts 0 and 10 → runs 0 1 9 1 5.
    expect(counts(twoSquares)).toEqual([0, 1, 9, 1, 5]);
    expect(counts(rleMerge([twoSquares, rleFromPolygon([0, 0, 0, 1, 1, 1, 1, 0], 4, 4)]))).toEqual([0, 1, 9, 1, 5]);
    const uncompressed = segmentationToRle({ size: [4, 4], counts: [0, 1, 9, 1, 5] }, 99, 99);
    expect(uncompressed.h).toBe(4);
    expect(counts(segmentationToRle({ size: [4, 4], counts: rleToString(uncompressed) }, 4, 4))).toEqual([0, 1, 9, 1, 5]);
    // A first entry of 4 numbers is a box [x, y, w, h], as frPyObjects reads it.
    expect(counts(segmentationToRle([[0, 0, 2, 2]], 4, 4))).toEqual([0, 2, 2, 2, 10]);
  });

  it('names what is wrong', () => {
    expect(() => segmentationToRle({ counts: 'x' }, 4, 4)).toThrow(CocoSegmentationError);
    expect(() => segmentationToRle([[0, 1]], 4, 4)).toThrow(/fewer than 3 points/);
  });
});
