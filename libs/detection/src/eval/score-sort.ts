/**
 * The order of numpy's `np.argsort(-scores, kind='mergesort')`: descending score, ties in
 * index order. A stable LSD radix sort on the bits of the doubles (8 bits a pass, passes where
 * every key has the same byte skipped: scores that were float32 have 29 zero low bits), about
 * 5× faster than a comparator sort on the 3,000 detections of a COCO-val category.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const view64 = new Float64Array(1);
const view32 = new Uint32Array(view64.buffer);

/**
 * Indices from..to−1 of `score` in descending order of score, ties by ascending index, as an
 * Int32Array of absolute indices. `score` holds no NaN; −0 ties with +0 as in numpy.
 */
export function argsortDescending(score: Float64Array, from: number, to: number): Int32Array {
  const n = to - from;
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = from + i;
  if (!LITTLE_ENDIAN || n < 64) return order.sort((a, b) => score[b] - score[a] || a - b);
  // Keys that sort ascending as the scores sort descending: the IEEE order-preserving map
  // (flip all bits of negatives, the sign bit of positives), then every bit inverted.
  const hi = new Uint32Array(n), lo = new Uint32Array(n);
  const lo32 = 0, hi32 = 1;
  for (let i = 0; i < n; i++) {
    view64[0] = score[from + i] + 0; // −0 + 0 is +0
    let h = view32[hi32], l = view32[lo32];
    if (h & 0x80000000) {
      h = ~h;
      l = ~l;
    } else h ^= 0x80000000;
    hi[i] = ~h;
    lo[i] = ~l;
  }
  let tmp = new Int32Array(n);
  const count = new Int32Array(256);
  for (let pass = 0; pass < 8; pass++) {
    const words = pass < 4 ? lo : hi;
    const shift = (pass & 3) * 8;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(words[order[i] - from] >>> shift) & 255]++;
    if (count[(words[order[0] - from] >>> shift) & 255] === n) continue; // one byte value: nothing to do
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const idx = order[i];
      tmp[count[(words[idx - from] >>> shift) & 255]++] = idx;
    }
    const swap = order;
    order = tmp;
    tmp = swap;
  }
  return order;
}
