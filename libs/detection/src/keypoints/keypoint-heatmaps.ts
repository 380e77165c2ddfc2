/**
 * The two conversions between keypoints and the S×S heatmaps of Mask R-CNN's keypoint head
 * (He et al. 2017, §5): the one-hot training target of a keypoint in an RoI, and the keypoint a
 * predicted heatmap points at. Both follow detectron2 (structures/keypoints.py), which uses
 * Heckbert's pixel convention: a continuous coordinate c lies in discrete cell d = ⌊c⌋, whose
 * centre is d + 0.5. Keypoints here are continuous input-pixel coordinates, like the boxes.
 */

/** Sentinel of {@link KeypointHeatmapTargets.labels} for a keypoint that gets no loss. */
export const NO_KEYPOINT_TARGET = -1;

/** The training targets of R RoIs' K keypoints. */
export interface KeypointHeatmapTargets {
  /**
   * R·K cell indices y·S + x in [0, S²), RoI-major, or NO_KEYPOINT_TARGET (−1) for a keypoint that
   * is not visible (v = 0) or falls outside its RoI.
   */
  labels: Int32Array;
  /** Keypoints with a target (labels ≥ 0): the loss's normaliser (detectron2: visible keypoints in the batch). */
  numVisible: number;
}

/**
 * One-hot targets of keypoints in their RoIs (detectron2 `_keypoints_to_heatmap`): a keypoint
 * (x, y) in the box [x0, y0, x1, y1] falls in heatmap cell (⌊(x − x0)·S / (x1 − x0)⌋,
 * ⌊(y − y0)·S / (y1 − y0)⌋); a point on the box's right or bottom edge goes to the last cell.
 * Only visible keypoints (v > 0) inside the RoI get a target (Mask R-CNN §5: "for each visible
 * ground-truth keypoint").
 *
 * @param keypoints - R·K·3 (x, y, v) of each RoI's matched instance, input pixels.
 * @param rois - 4·R XYXY, input pixels.
 * @param size - S, the heatmap side.
 */
export function keypointHeatmapTargets(keypoints: ArrayLike<number>, rois: ArrayLike<number>, size: number): KeypointHeatmapTargets {
  const r = rois.length / 4;
  if (!Number.isInteger(r) || keypoints.length % 3 !== 0 || (r === 0 ? keypoints.length !== 0 : (keypoints.length / 3) % r !== 0)) {
    throw new RangeError(`keypointHeatmapTargets: ${keypoints.length / 3} keypoints for ${rois.length / 4} RoIs`);
  }
  const k = r === 0 ? 0 : keypoints.length / 3 / r;
  const labels = new Int32Array(r * k).fill(NO_KEYPOINT_TARGET);
  let numVisible = 0;
  for (let i = 0; i < r; i++) {
    const [x0, y0, x1, y1] = [rois[4 * i]!, rois[4 * i + 1]!, rois[4 * i + 2]!, rois[4 * i + 3]!];
    // A degenerate RoI has no cells to point into.
    if (!(x1 > x0 && y1 > y0)) continue;
    for (let j = 0; j < k; j++) {
      const p = 3 * (i * k + j);
      if (!(keypoints[p + 2]! > 0)) continue;
      const cx = cellOf(keypoints[p]!, x0, x1, size);
      const cy = cellOf(keypoints[p + 1]!, y0, y1, size);
      if (cx < 0 || cy < 0 || cx >= size || cy >= size) continue;
      labels[i * k + j] = cy * size + cx;
      numVisible++;
    }
  }
  return { labels, numVisible };
}

/** The heatmap cell of coordinate `c` in [lo, hi) at `size` cells; `hi` itself is the last cell (detectron2's boundary case). */
function cellOf(c: number, lo: number, hi: number, size: number): number {
  if (c === hi) return size - 1;
  return Math.floor(((c - lo) * size) / (hi - lo));
}

/**
 * Keypoints from predicted heatmaps (detectron2 `heatmaps_to_keypoints`): each RoI's S×S logits
 * are resized bicubically to the RoI's size in pixels (⌈w⌉ × ⌈h⌉, at least 1 px a side), the
 * keypoint is the centre of the arg-max pixel, mapped back into the box, and its score is the
 * arg-max's softmax probability with the sum taken over the S×S heatmap (so that scores of large and
 * small RoIs are comparable, detectron2's reason).
 *
 * @param logits - R·S·S·K logits, as the head writes them (`[R, S, S, K]`, channels last).
 * @param rois - 4·R XYXY, input pixels.
 * @returns R·K·3 (x, y, score): continuous input-pixel coordinates.
 */
export function heatmapsToKeypoints(logits: ArrayLike<number>, rois: ArrayLike<number>, size: number, numKeypoints: number): Float32Array {
  const r = rois.length / 4;
  const cells = size * size;
  if (logits.length !== r * cells * numKeypoints) throw new RangeError(`heatmapsToKeypoints: ${logits.length} logits for ${r} RoIs of ${numKeypoints}×${size}×${size}`);
  const out = new Float32Array(r * numKeypoints * 3);
  const map = new Float64Array(cells);
  for (let i = 0; i < r; i++) {
    const [x0, y0] = [rois[4 * i]!, rois[4 * i + 1]!];
    const w = Math.max(rois[4 * i + 2]! - x0, 1);
    const h = Math.max(rois[4 * i + 3]! - y0, 1);
    const outW = Math.ceil(w);
    const outH = Math.ceil(h);
    for (let j = 0; j < numKeypoints; j++) {
      for (let c = 0; c < cells; c++) map[c] = logits[(i * cells + c) * numKeypoints + j]!;
      const { index, value } = bicubicArgMax(map, size, outH, outW);
      const xInt = index % outW;
      const yInt = (index - xInt) / outW;
      let sum = 0;
      for (let c = 0; c < cells; c++) sum += Math.exp(map[c]! - value);
      const o = 3 * (i * numKeypoints + j);
      // Heckbert: pixel d's centre is d + 0.5; the ⌈w⌉ pixels span w, hence the width correction w / ⌈w⌉.
      out[o] = x0 + (xInt + 0.5) * (w / outW);
      out[o + 1] = y0 + (yInt + 0.5) * (h / outH);
      out[o + 2] = 1 / sum;
    }
  }
  return out;
}

/**
 * The arg-max (first in row-major order) and its value of an S×S map resized to outH × outW by
 * PyTorch's bicubic interpolation (`F.interpolate(mode='bicubic', align_corners=False)`: a = −0.75,
 * source index (d + 0.5)·in/out − 0.5, taps clamped at the border). Separable: the S source rows
 * are resized to outW columns, then each output row is a 4-tap sum of them. Output rows are visited
 * by their upper bound (each tap's weight times its source row's max, or min for a negative
 * weight — a float sum of terms each ≥ the value's own, so never below it) and a row whose bound
 * is under the best value found cannot hold the arg-max: on a large RoI (COCO people of 300 px)
 * only the few rows near the peak are computed, not all outH · outW pixels.
 */
function bicubicArgMax(map: Float64Array, size: number, outH: number, outW: number): { index: number; value: number } {
  const cols = bicubicTaps(size, outW);
  const rows = bicubicTaps(size, outH);
  const wide = new Float64Array(size * outW);
  const rowMax = new Float64Array(size).fill(-Infinity);
  const rowMin = new Float64Array(size).fill(Infinity);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < outW; x++) {
      let v = 0;
      for (let t = 0; t < 4; t++) v += cols.weights[4 * x + t]! * map[y * size + cols.index[4 * x + t]!]!;
      wide[y * outW + x] = v;
      if (v > rowMax[y]!) rowMax[y] = v;
      if (v < rowMin[y]!) rowMin[y] = v;
    }
  }
  const bound = new Float64Array(outH);
  for (let y = 0; y < outH; y++) {
    let b = 0;
    for (let t = 0; t < 4; t++) {
      const w = rows.weights[4 * y + t]!;
      const r = rows.index[4 * y + t]!;
      b += w * (w >= 0 ? rowMax[r]! : rowMin[r]!);
    }
    bound[y] = b;
  }
  const order = Array.from({ length: outH }, (_, y) => y).sort((a, b) => bound[b]! - bound[a]! || a - b);
  let best = -Infinity;
  let index = 0;
  for (const y of order) {
    // Equal to the best, the row could still hold an earlier pixel of the same value: only a lower bound ends the search.
    if (bound[y]! < best) break;
    for (let x = 0; x < outW; x++) {
      let v = 0;
      for (let t = 0; t < 4; t++) v += rows.weights[4 * y + t]! * wide[rows.index[4 * y + t]! * outW + x]!;
      const at = y * outW + x;
      if (v > best || (v === best && at < index)) {
        best = v;
        index = at;
      }
    }
  }
  return { index, value: best };
}

/** PyTorch's bicubic convolution constant (upsample_bicubic2d, after TensorFlow and OpenCV). */
const BICUBIC_A = -0.75;

/** The four source indices and weights of each of `outSize` output positions along one axis. */
function bicubicTaps(inSize: number, outSize: number): { index: Int32Array; weights: Float64Array } {
  const index = new Int32Array(4 * outSize);
  const weights = new Float64Array(4 * outSize);
  const scale = inSize / outSize;
  for (let d = 0; d < outSize; d++) {
    const src = (d + 0.5) * scale - 0.5;
    const floor = Math.floor(src);
    const t = src - floor;
    const w = [cubicFar(t + 1), cubicNear(t), cubicNear(1 - t), cubicFar(2 - t)];
    for (let k = 0; k < 4; k++) {
      index[4 * d + k] = Math.min(Math.max(floor - 1 + k, 0), inSize - 1);
      weights[4 * d + k] = w[k]!;
    }
  }
  return { index, weights };
}

/** The cubic kernel for |x| ≤ 1. */
function cubicNear(x: number): number {
  return ((BICUBIC_A + 2) * x - (BICUBIC_A + 3)) * x * x + 1;
}

/** The cubic kernel for 1 < |x| < 2. */
function cubicFar(x: number): number {
  return ((BICUBIC_A * x - 5 * BICUBIC_A) * x + 8 * BICUBIC_A) * x - 4 * BICUBIC_A;
}
