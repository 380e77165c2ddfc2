/**
 * Decimal to double exactly as JSON.parse rounds it, without making a string: what the results
 * scanner uses for the numbers of a results file (float32 scores and boxes printed as doubles
 * have 16–17 significant digits, past the reach of Clinger's fast path).
 */

/** 10^0 .. 10^22: the powers of ten a double holds exactly (the limit of the fast path below). */
export const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
export const MAX_FAST_DIGITS = 15; // < 2^53, so the digits form an exact integer
export const MAX_DIGITS = 19; // 15 + 4: the most {@link divideExactly} takes

/** Veltkamp's splitter for double-precision products without FMA: 2^27 + 1. */
const SPLITTER = 134217729;
const bits64 = new Float64Array(1);
const bits32 = new Uint32Array(bits64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0, LO = LITTLE_ENDIAN ? 0 : 1;

/** Error of the product: a · b = p + twoProductError(a, b, p) exactly (Dekker; no overflow). */
function twoProductError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b), bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** The next double above (step +1) or below (step −1) a positive normal double. */
function nextDouble(x: number, step: 1 | -1): number {
  bits64[0] = x;
  const lo = bits32[LO] + step;
  bits32[LO] = lo >>> 0;
  if (lo > 0xffffffff) bits32[HI]++;
  else if (lo < 0) bits32[HI]--;
  return bits64[0];
}

/**
 * (hi · 10^k + lo) / p correctly rounded, for a 16–19 digit decimal (hi < 10^15, lo < 10^k,
 * k ≤ 4) over p = 10^e (e ≤ 22, exact): the quotient of the high part, then the exact
 * remainder of D − q·p (Dekker products) says whether q, or its neighbour, is nearest.
 * Returns NaN — "use Number()" — when the remainder lies within 10^−6 ulp of a halfway point
 * (an exact tie included) or q is a power of two (its neighbours are not evenly spaced).
 */
export function divideExactly(hi: number, k: number, lo: number, p: number): number {
  // D as a double-double dh + dl, exactly: hi · 10^k = m + me, and me + lo is a small integer.
  const scale = POW10[k];
  const m = hi * scale;
  const me = twoProductError(hi, scale, m);
  const small = me + lo;
  const dh = m + small;
  const dl = small - (dh - m);
  let q = dh / p;
  bits64[0] = q;
  if (bits32[LO] === 0 && (bits32[HI] & 0xfffff) === 0) return NaN;
  const exponent = (bits32[HI] >>> 20) & 0x7ff;
  if (exponent < 54) return NaN;
  // r = D − q·p: qp = qh + ql exactly; dh − qh is exact (Sterbenz: qh is within a factor 2 of dh).
  const qh = q * p;
  const ql = twoProductError(q, p, qh);
  const r = dh - qh + dl - ql;
  bits32[HI] = (exponent - 52) << 20; // ulp(q) = 2^(exponent − 1075)
  bits32[LO] = 0;
  const f = r / (bits64[0] * p); // (D/p − q) in ulps of q
  if (Math.abs(Math.abs(f) - 0.5) < 1e-6 || Math.abs(f) > 1.4) return NaN;
  if (f > 0.5) q = nextDouble(q, 1);
  else if (f < -0.5) q = nextDouble(q, -1);
  return q;
}
