import { SOBOL_MAX_DIMENSIONS, sobolPoints } from './sobol';

/**
 * The reference points are worked out here from Joe & Kuo's published direction numbers by the
 * textbook definition — point n is the XOR of v_k over the set bits k of gray(n) = n ^ (n >> 1) —
 * not by the generator's recursive Gray-code update, so a wrong recurrence or table shows.
 */
function referencePoint(n: number, ms: number[][]): number[] {
  return ms.map((m) => {
    // n < 32 sets only the first five bits: v_k = m_k / 2^k for k ≤ 5.
    const gray = n ^ (n >> 1);
    let x = 0;
    for (let k = 1; gray >> (k - 1); k++) if ((gray >> (k - 1)) & 1) x ^= m[k - 1]! << (16 - k);
    return x / 2 ** 16;
  });
}

describe('sobolPoints', () => {
  it("gives the well-known first points of Sobol's sequence after the origin", () => {
    expect(sobolPoints(2, 4)).toEqual([
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
      [0.375, 0.375],
    ]);
  });

  it('matches points built from the direction numbers of dimensions 1–3', () => {
    // m_k = 2a₁m_{k−1} ⊕ … ⊕ 2^s·m_{k−s} ⊕ m_{k−s} (Bratley & Fox's recurrence), from Joe & Kuo's lines:
    // dimension 1: every m_k = 1. Dimension 2 (s=1, a=0, m1=1): m_k = 2m_{k−1} ⊕ m_{k−1}:
    // 1, 3, 6⊕3 = 5, 10⊕5 = 15, 30⊕15 = 17. Dimension 3 (s=2, a=1, m = 1, 3): m_k = 2m_{k−1} ⊕ 4m_{k−2} ⊕ m_{k−2}:
    // m3 = 6 ⊕ 4 ⊕ 1 = 3, m4 = 6 ⊕ 12 ⊕ 3 = 9, m5 = 18 ⊕ 12 ⊕ 3 = 29.
    const ms = [
      [1, 1, 1, 1, 1],
      [1, 3, 5, 15, 17],
      [1, 3, 3, 9, 29],
    ];
    const points = sobolPoints(3, 31);
    for (let n = 1; n <= 31; n++) expect(points[n - 1], `point ${n}`).toEqual(referencePoint(n, ms));
    // The first ones, as scipy.stats.qmc.Sobol(3, scramble=False) prints them.
    expect(points.slice(0, 7)).toEqual([
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
      [0.625, 0.125, 0.875],
      [0.125, 0.625, 0.375],
    ]);
  });

  it('is a (0, m, 2)-net in two dimensions: each of 2^m points alone in its 1/2^m-wide strip of either axis', () => {
    const points = [[0, 0], ...sobolPoints(2, 63)];
    for (const axis of [0, 1]) expect(new Set(points.map((p) => Math.floor(p[axis]! * 64))).size).toBe(64);
  });

  it('supports 21 dimensions and stays in [0, 1)', () => {
    expect(SOBOL_MAX_DIMENSIONS).toBe(21);
    const points = sobolPoints(21, 1023);
    expect(points.flat().every((x) => x >= 0 && x < 1)).toBe(true);
    // Each coordinate of the first 2^k points is a permutation of the multiples of 2^-k (0 included).
    const first = [Array(21).fill(0), ...points.slice(0, 1023)];
    for (let d = 0; d < 21; d++) expect(new Set(first.map((p) => p[d] * 1024)).size, `dimension ${d + 1}`).toBe(1024);
    expect(() => sobolPoints(22, 1)).toThrow(/1 to 21/);
  });
});
