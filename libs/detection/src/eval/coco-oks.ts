/**
 * Object keypoint similarity exactly as pycocotools `COCOeval.computeOks` computes it (iouType
 * 'keypoints'), with numpy's operations in numpy's order (its pairwise sum included), so that an
 * OKS equal to a threshold compares the same.
 */

/** What OKS reads besides the bbox tables: keypoints of both sides, detection areas, the constants. */
export interface CocoKeypointTables {
  /** Per GT row, (x, y, v)·K (rows of GT not evaluated are zeros). */
  gtKeypoints: Float64Array;
  /** Per detection row, (x, y, v)·K. */
  dtKeypoints: Float64Array;
  /** Per detection row, the area `loadRes` gives it (keypoints' extent, or its bbox's w·h). */
  dtArea: Float64Array;
  /** κ per keypoint (COCO_KEYPOINT_OKS_SIGMAS by default); K = its length. */
  sigmas: Float64Array;
}

/** `np.spacing(1)`. */
const EPS = Number.EPSILON;

/**
 * `np.sum` of a contiguous float64 array as numpy computes it (pairwise_sum in
 * loops_utils.h.src): below 8 elements left to right; up to 128, eight running sums over
 * strides of 8, combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the rest.
 */
export function numpySum(a: Float64Array, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[i];
    return res;
  }
  if (n > 128) throw new RangeError('numpySum: at most 128 values (one block of numpy pairwise sum)');
  const r = a.slice(0, 8);
  let i = 8;
  for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += a[i + j];
  let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
  for (; i < n; i++) res += a[i];
  return res;
}

/**
 * OKS of detections × GT into out[d·G + g], as `computeOks`: with k1 > 0 labelled GT points,
 * e_j = (dx² + dy²) / (2κ_j)² / (area + ε) / 2 over the labelled points and OKS = Σ exp(−e) / k1;
 * with none (a GT with no labelled keypoint), dx, dy are the distances of every detected point to
 * the GT box doubled around itself ([x − w, x + 2w] × [y − h, y + 2h]) and OKS = Σ exp(−e) / K.
 * Crowd GT get the same OKS (they are ignore regions in the matching, not here). The best of each
 * detection goes to maxOut[d]; returns the best of all.
 */
export function cocoOks(
  kp: CocoKeypointTables,
  dtRows: ArrayLike<number>,
  dtFrom: number,
  numDt: number,
  gtBox: Float64Array,
  gtArea: Float64Array,
  gtRows: ArrayLike<number>,
  gtFrom: number,
  numGt: number,
  out: Float64Array,
  maxOut: Float64Array,
): number {
  const K = kp.sigmas.length;
  const vars = Float64Array.from(kp.sigmas, (s) => s * 2 * (s * 2));
  const terms = new Float64Array(K);
  maxOut.fill(0, 0, numDt);
  let best = 0;
  for (let g = 0; g < numGt; g++) {
    const row = gtRows[gtFrom + g];
    const gk = row * 3 * K;
    let k1 = 0;
    for (let j = 0; j < K; j++) if (kp.gtKeypoints[gk + 3 * j + 2] > 0) k1++;
    const [bx, by, bw, bh] = [gtBox[row * 4], gtBox[row * 4 + 1], gtBox[row * 4 + 2], gtBox[row * 4 + 3]];
    const x0 = bx - bw, x1 = bx + bw * 2, y0 = by - bh, y1 = by + bh * 2;
    const scale = gtArea[row] + EPS;
    for (let d = 0; d < numDt; d++) {
      const dk = dtRows[dtFrom + d] * 3 * K;
      let n = 0;
      for (let j = 0; j < K; j++) {
        const xd = kp.dtKeypoints[dk + 3 * j], yd = kp.dtKeypoints[dk + 3 * j + 1];
        let dx: number, dy: number;
        if (k1 > 0) {
          if (!(kp.gtKeypoints[gk + 3 * j + 2] > 0)) continue;
          dx = xd - kp.gtKeypoints[gk + 3 * j];
          dy = yd - kp.gtKeypoints[gk + 3 * j + 1];
        } else {
          dx = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
          dy = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
        }
        const e = (dx * dx + dy * dy) / vars[j] / scale / 2;
        terms[n++] = Math.exp(-e);
      }
      const v = numpySum(terms, n) / n;
      out[d * numGt + g] = v;
      if (v > maxOut[d]) maxOut[d] = v;
      if (v > best) best = v;
    }
  }
  return best;
}
