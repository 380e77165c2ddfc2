/**
 * Sobol' low-discrepancy sequence (Sobol' 1967), unscrambled, in Gray-code order (Antonov &
 * Saleev 1979), as scipy.stats.qmc.Sobol(scramble=False) and Joe & Kuo's own generator produce it:
 * points 0, (0.5, 0.5, …), (0.75, 0.25, …), (0.25, 0.75, …) … A sweep skips point 0 (every
 * coordinate at its lower bound) and takes the points from (0.5, …) on.
 *
 * Direction numbers: S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
 * two-dimensional projections", SIAM J. Sci. Comput. 30 (2008) 2635–2654, file
 * new-joe-kuo-6.21201 (https://web.maths.unsw.edu.au/~fkuo/sobol/), its first 20 lines (dimensions
 * 2–21); dimension 1 is van der Corput's (every m_k = 1). Unscrambled: the same spec always gives
 * the same points, and the first ones can be checked against the published sequence.
 */

/** [s (degree of the primitive polynomial), a (its inner coefficients), m_1 … m_s], dimensions 2–21. */
const JOE_KUO_6_21201: readonly (readonly [number, number, readonly number[]])[] = [
  [1, 0, [1]],
  [2, 1, [1, 3]],
  [3, 1, [1, 3, 1]],
  [3, 2, [1, 1, 1]],
  [4, 1, [1, 1, 3, 3]],
  [4, 4, [1, 3, 5, 13]],
  [5, 2, [1, 1, 5, 5, 17]],
  [5, 4, [1, 1, 5, 5, 5]],
  [5, 7, [1, 1, 7, 11, 19]],
  [5, 11, [1, 1, 5, 1, 1]],
  [5, 13, [1, 1, 1, 3, 11]],
  [5, 14, [1, 3, 5, 5, 31]],
  [6, 1, [1, 3, 3, 9, 7, 49]],
  [6, 13, [1, 1, 1, 15, 21, 21]],
  [6, 16, [1, 3, 1, 13, 27, 49]],
  [6, 19, [1, 1, 1, 15, 7, 5]],
  [6, 22, [1, 3, 1, 15, 13, 25]],
  [6, 25, [1, 1, 5, 5, 19, 61]],
  [7, 1, [1, 3, 7, 11, 23, 15, 103]],
  [7, 4, [1, 3, 7, 13, 13, 15, 69]],
];

/** Dimensions this generator has direction numbers for (a sobol sweep varies at most this many parameters). */
export const SOBOL_MAX_DIMENSIONS = JOE_KUO_6_21201.length + 1;

/** Bits of each coordinate: 2^32 points before the sequence repeats, far beyond any sweep. */
const BITS = 32;

/**
 * The direction numbers v_1 … v_32 of `dimension` (0-based), each m_k · 2^(32−k), from the
 * recurrence of Bratley & Fox (1988) over the primitive polynomial's coefficients.
 */
export function directionNumbers(dimension: number): Uint32Array {
  const v = new Uint32Array(BITS + 1); // 1-based: v[k]
  if (dimension === 0) {
    for (let k = 1; k <= BITS; k++) v[k] = 2 ** (BITS - k);
    return v;
  }
  const [s, a, m] = JOE_KUO_6_21201[dimension - 1]!;
  for (let k = 1; k <= s; k++) v[k] = m[k - 1]! * 2 ** (BITS - k);
  for (let k = s + 1; k <= BITS; k++) {
    let x = (v[k - s]! ^ (v[k - s]! >>> s)) >>> 0;
    for (let j = 1; j < s; j++) if ((a >>> (s - 1 - j)) & 1) x = (x ^ v[k - j]!) >>> 0;
    v[k] = x;
  }
  return v;
}

/**
 * The first `count` points after point 0 of the `dimensions`-dimensional sequence, each in [0, 1)^d.
 * Point n is point n − 1 with v_c XORed into every coordinate, c the position of the lowest zero
 * bit of n − 1 (Gray-code order).
 */
export function sobolPoints(dimensions: number, count: number): number[][] {
  if (dimensions < 1 || dimensions > SOBOL_MAX_DIMENSIONS) throw new RangeError(`sobol: ${dimensions} dimensions; 1 to ${SOBOL_MAX_DIMENSIONS} are supported`);
  const v = Array.from({ length: dimensions }, (_, d) => directionNumbers(d));
  const x = new Uint32Array(dimensions);
  const points: number[][] = [];
  for (let n = 1; n <= count; n++) {
    const c = lowestZeroBit(n - 1);
    for (let d = 0; d < dimensions; d++) x[d] = (x[d]! ^ v[d]![c]!) >>> 0;
    points.push(Array.from(x, (xi) => xi / 2 ** BITS));
  }
  return points;
}

/** 1-based position of the lowest 0 bit of n (n = 0 → 1, 1 → 2, 3 → 3 …). */
function lowestZeroBit(n: number): number {
  let c = 1;
  let rest = n;
  while (rest & 1) {
    rest = Math.floor(rest / 2);
    c++;
  }
  return c;
}
