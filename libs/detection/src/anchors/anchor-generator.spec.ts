import { cellAnchors, featureSize, generateAnchors, numAnchorsPerPosition } from './anchor-generator';
import { FPN_ANCHORS, RETINANET_ANCHORS } from './anchor-presets';

/** Anchor k of a flat XYXY array. */
const at = (anchors: Float32Array, k: number) => Array.from(anchors.subarray(4 * k, 4 * k + 4));
const close = (actual: number[], expected: number[]) => expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 3));

describe('generateAnchors (RetinaNet defaults)', () => {
  const set = generateAnchors({}, 64);

  it('has ceil(S / 2^l) positions per side and 9 anchors per position', () => {
    // 64/8 = 8, 64/16 = 4, 64/32 = 2, 64/64 = 1, ceil(64/128) = 1.
    expect(set.featureSizes).toEqual([8, 4, 2, 1, 1]);
    expect(set.anchorsPerPosition).toBe(9);
    // 8²·9 = 576, 4²·9 = 144, 2²·9 = 36, 9, 9.
    expect(set.levelCounts).toEqual([576, 144, 36, 9, 9]);
    expect(set.anchors.length).toBe(4 * 774);
    expect(set.levels).toEqual([3, 4, 5, 6, 7]);
  });

  it('orders anchors within a position as a = scaleIndex · numRatios + ratioIndex', () => {
    // P3, position (0,0), centre (0.5·8, 0.5·8) = (4, 4); base size 4·2³ = 32.
    // a = 0: scale 2^0, ratio h/w = 0.5: w = 32/√0.5 = 45.2548, h = 32·√0.5 = 22.6274.
    close(at(set.anchors, 0), [4 - 22.6274, 4 - 11.3137, 4 + 22.6274, 4 + 11.3137]);
    // a = 1: scale 2^0, ratio 1: 32×32 → (4 ∓ 16).
    close(at(set.anchors, 1), [-12, -12, 20, 20]);
    // a = 2: ratio 2: w = 22.6274, h = 45.2548.
    close(at(set.anchors, 2), [4 - 11.3137, 4 - 22.6274, 4 + 11.3137, 4 + 22.6274]);
    // a = 4: scale 2^(1/3), ratio 1: side 32·1.259921 = 40.3175, half 20.1587.
    close(at(set.anchors, 4), [4 - 20.1587, 4 - 20.1587, 4 + 20.1587, 4 + 20.1587]);
    // a = 7: scale 2^(2/3), ratio 1: side 32·1.587401 = 50.7968, half 25.3984.
    close(at(set.anchors, 7), [4 - 25.3984, 4 - 25.3984, 4 + 25.3984, 4 + 25.3984]);
  });

  it('goes column x fastest, then row y, then level', () => {
    // Position x = 1, y = 0 starts at 9; centre (1.5·8, 4) = (12, 4); a = 1 → (12 ∓ 16, 4 ∓ 16).
    close(at(set.anchors, 9 + 1), [-4, -12, 28, 20]);
    // Position x = 0, y = 1 starts at 8·9 = 72; centre (4, 12).
    close(at(set.anchors, 72 + 1), [-12, -4, 20, 28]);
    // Last P3 position (7,7) starts at 63·9 = 567: centre (60, 60).
    close(at(set.anchors, 567 + 1), [44, 44, 76, 76]);
    // P4 starts at 576: centre (0.5·16, 0.5·16) = (8, 8), base 4·16 = 64 → (8 ∓ 32).
    close(at(set.anchors, 576 + 1), [-24, -24, 40, 40]);
    // P7 (the last 9): one position, centre 0.5·128 = 64, base 4·128 = 512 → (64 ∓ 256).
    close(at(set.anchors, 774 - 9 + 1), [-192, -192, 320, 320]);
  });

  it('rounds feature sizes up for sizes that are not a multiple of the stride', () => {
    // 100/8 = 12.5 → 13, 100/16 = 6.25 → 7, 100/32 → 4, 100/64 → 2, 100/128 → 1.
    expect(generateAnchors({}, 100).featureSizes).toEqual([13, 7, 4, 2, 1]);
    expect(featureSize(100, 3)).toBe(13);
  });

  it('matches the RETINANET_ANCHORS preset', () => {
    expect(Array.from(generateAnchors(RETINANET_ANCHORS, 64).anchors)).toEqual(Array.from(set.anchors));
  });
});

describe('generateAnchors (configurable parts)', () => {
  it('varies the number of scales per octave (RetinaNet Table 1c: 1..4)', () => {
    for (const n of [1, 2, 3, 4]) {
      expect(numAnchorsPerPosition({ scalesPerOctave: n })).toBe(3 * n);
      expect(generateAnchors({ scalesPerOctave: n, levels: [3] }, 32).levelCounts).toEqual([16 * 3 * n]);
    }
    // Two scales: a = 3 is scale 2^(1/2), ratio 0.5: size 32·1.41421 = 45.2548; w = 45.2548/√0.5 = 64, h = 32.
    const two = generateAnchors({ scalesPerOctave: 2, levels: [3] }, 8);
    close(at(two.anchors, 3), [4 - 32, 4 - 16, 4 + 32, 4 + 16]);
  });

  it('takes an aspect-ratio set, a size multiplier and a centre offset', () => {
    const set = generateAnchors({ levels: [2], scalesPerOctave: 1, aspectRatios: [1, 4], sizeMultiplier: 2, offset: 0 }, 8);
    // Stride 4, size 2·4 = 8; offset 0 → centre of (0,0) at (0,0).
    // a = 0, ratio 1: (∓4). a = 1, ratio 4: w = 8/2 = 4, h = 8·2 = 16 → (∓2, ∓8).
    expect(set.anchorsPerPosition).toBe(2);
    close(at(set.anchors, 0), [-4, -4, 4, 4]);
    close(at(set.anchors, 1), [-2, -8, 2, 8]);
    // Position (1, 0): centre (4, 0).
    close(at(set.anchors, 2), [0, -4, 8, 4]);
  });

  it('gives the FPN single size per level: 32² on P2 … 512² on P6, 3 ratios', () => {
    const set = generateAnchors(FPN_ANCHORS, 64);
    expect(set.anchorsPerPosition).toBe(3);
    // 64/4 = 16, 8, 4, 2, 1 → ·3.
    expect(set.levelCounts).toEqual([768, 192, 48, 12, 3]);
    // P2 (0,0): centre 0.5·4 = 2; a = 1 (ratio 1): side 8·4 = 32 → (2 ∓ 16).
    close(at(set.anchors, 1), [-14, -14, 18, 18]);
    // P6: the last 3 anchors, centre 32, side 8·64 = 512 → (32 ∓ 256).
    close(at(set.anchors, 1023 - 3 + 1), [-224, -224, 288, 288]);
  });

  it('cellAnchors are the anchors of a position centred at the origin', () => {
    const cell = cellAnchors({}, 3);
    expect(cell.length).toBe(36);
    close(Array.from(cell.subarray(4, 8)), [-16, -16, 16, 16]);
  });

  it('rejects bad configurations naming the field', () => {
    expect(() => generateAnchors({ scalesPerOctave: 0 }, 64)).toThrow(/scalesPerOctave/);
    expect(() => generateAnchors({ aspectRatios: [] }, 64)).toThrow(/aspectRatios/);
    expect(() => generateAnchors({ levels: [] }, 64)).toThrow(/levels/);
    expect(() => generateAnchors({ sizeMultiplier: -1 }, 64)).toThrow(/sizeMultiplier/);
    expect(() => generateAnchors({}, 0)).toThrow(/imageSize/);
  });
});
