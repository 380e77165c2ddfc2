/** Up to this many scores, descendingOrder packs (score, index) into one double and sorts natively. */
const PACKED_SORT_MAX = 1 << 21;
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * Indices `0..n−1` of `scores` sorted by descending score; equal scores keep ascending index
 * (a stable order, so results never depend on the sort algorithm). NaN sorts last; −0 equals +0.
 *
 * Speed: when every score is a float32 value (as head outputs are) and n ≤ 2^21, each
 * (score, index) pair becomes one exact double, `(2^32 − 1 − orderedBits(score))·2^21 + index`,
 * and a native numeric `Float64Array.sort` replaces the comparator sort (several times faster at
 * 10k scores; NMS's sort is its largest fixed cost).
 */
export function descendingOrder(scores: ArrayLike<number>): Int32Array {
  const n = scores.length;
  if (n <= PACKED_SORT_MAX) {
    const packed = packedKeys(scores);
    if (packed) {
      packed.sort();
      const order = new Int32Array(n);
      for (let r = 0; r < n; r++) order[r] = packed[r] % PACKED_SORT_MAX;
      return order;
    }
  }
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) key[i] = Number.isNaN(scores[i]) ? -Infinity : scores[i];
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => key[b] - key[a] || a - b);
}

/** Ascending keys encoding descending float32 score then ascending index; null if a score is not a float32. */
function packedKeys(scores: ArrayLike<number>): Float64Array | null {
  const n = scores.length;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = scores[i];
    F32[0] = Number.isNaN(v) ? -Infinity : v + 0; // + 0 turns −0 into +0
    if (F32[0] !== v && !Number.isNaN(v)) return null;
    const bits = U32[0];
    // Order-preserving map of float32 bits to uint32: flip all bits of negatives, the sign of positives.
    const ordered = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
    keys[i] = (0xffffffff - ordered) * PACKED_SORT_MAX + i;
  }
  return keys;
}

/**
 * The indices of the at most `k` largest of `values` that are `> threshold`, sorted by
 * descending value with ties in ascending index, in O(n + k log k): a quickselect finds the k-th
 * largest value, so the full candidate list (millions for an untrained head) is never sorted.
 *
 * @param values - e.g. the A_l·C class scores of one pyramid level.
 * @returns indices into `values`.
 */
export function topKAbove(values: ArrayLike<number>, threshold: number, k: number): Int32Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > threshold) count++;
  const cand = new Int32Array(count);
  for (let i = 0, c = 0; i < values.length; i++) if (values[i] > threshold) cand[c++] = i;
  if (count <= k) return cand.sort((a, b) => values[b] - values[a] || a - b);
  if (k <= 0) return new Int32Array(0);

  const copy = new Float64Array(count);
  for (let c = 0; c < count; c++) copy[c] = values[cand[c]];
  const kth = kthLargest(copy, k);
  // Everything above the k-th value, then the ties at it in index order, up to k.
  const out = new Int32Array(k);
  let o = 0;
  for (let c = 0; c < count; c++) if (values[cand[c]] > kth) out[o++] = cand[c];
  for (let c = 0; c < count && o < k; c++) if (values[cand[c]] === kth) out[o++] = cand[c];
  return out.sort((a, b) => values[b] - values[a] || a - b);
}

/** The k-th largest (1-based) of `a`, which is reordered in place (Hoare quickselect, median-of-three). */
function kthLargest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  const target = k - 1; // position in descending order
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const pivot = median3(a[lo], a[mid], a[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    // Now a[lo..j] ≥ pivot ≥ a[i..hi], and a[j+1..i−1] == pivot.
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return pivot;
  }
  return a[target];
}

function median3(x: number, y: number, z: number): number {
  if (x > y) [x, y] = [y, x];
  if (y > z) y = z;
  return x > y ? x : y;
}
