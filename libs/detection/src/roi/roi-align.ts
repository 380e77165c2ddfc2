import * as tf from '@tensorflow/tfjs-core';
import { gatherWeightedSum, readRois, type BoxesInput, type ImageIndexInput } from './roi-gather';

export interface RoiAlignOptions {
  /** Output bins per side: 7 for box heads, 14 for mask heads (Mask R-CNN §3, Fig. 4). */
  outputSize: number;
  /** Feature-map pixels per input pixel: 1 / stride of the level. */
  spatialScale: number;
  /** Sampling points per bin side; 2 gives the paper's 4 regularly sampled points (Mask R-CNN §3). Default 2. */
  samplingRatio?: number;
  /**
   * Shift the box by −0.5 feature pixel so that sample positions are pixel-centre coordinates
   * (Detectron2's `aligned=True`); false keeps the legacy behaviour, including boxes of at least
   * one feature pixel. Default true.
   */
  aligned?: boolean;
}

/** Four neighbours' flat indices and bilinear weights of sample (y, x), added into the buffers at `at`. */
function bilinearTaps(
  y: number,
  x: number,
  height: number,
  width: number,
  base: number,
  scale: number,
  indices: Int32Array,
  weights: Float32Array,
  at: number,
): void {
  // A sample beyond one pixel outside the map contributes 0 (the Caffe2/Detectron convention).
  if (y < -1 || y > height || x < -1 || x > width) {
    indices.fill(base, at, at + 4);
    return;
  }
  y = Math.max(y, 0);
  x = Math.max(x, 0);
  let y0 = Math.floor(y);
  let x0 = Math.floor(x);
  let y1 = y0 + 1;
  let x1 = x0 + 1;
  if (y0 >= height - 1) {
    y0 = y1 = height - 1;
    y = y0;
  }
  if (x0 >= width - 1) {
    x0 = x1 = width - 1;
    x = x0;
  }
  const ly = y - y0, lx = x - x0, hy = 1 - ly, hx = 1 - lx;
  indices[at] = base + y0 * width + x0;
  indices[at + 1] = base + y0 * width + x1;
  indices[at + 2] = base + y1 * width + x0;
  indices[at + 3] = base + y1 * width + x1;
  weights[at] += hy * hx * scale;
  weights[at + 1] += hy * lx * scale;
  weights[at + 2] += ly * hx * scale;
  weights[at + 3] += ly * lx * scale;
}

/**
 * RoIAlign (He et al., "Mask R-CNN", §3): each of the outputSize² bins of an RoI is the mean of
 * samplingRatio² bilinearly interpolated points spread regularly over the bin, with no
 * quantisation of the box or the bins.
 *
 * `features` [B, H, W, C]; `boxes` [R, 4] XYXY in input pixels (a tensor, flat numbers or rows);
 * `boxImageIndex` [R], the batch image of each box. Returns [R, outputSize, outputSize, C].
 * Differentiable w.r.t. `features` on every backend (a gather and a weighted sum); the boxes are
 * constants. Caller owns the result.
 *
 * Memory: the gather holds R · outputSize² · samplingRatio² · 4 rows of C floats (for 512 RoIs at
 * 7×7, C = 256: 100M floats, 400 MB), fine for the synthetic-shapes scale; COCO-scale training
 * would want a fused kernel.
 */
export function roiAlign(
  features: tf.Tensor4D,
  boxes: BoxesInput,
  boxImageIndex: ImageIndexInput,
  options: RoiAlignOptions,
): tf.Tensor4D {
  const { outputSize: size, samplingRatio = 2 } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`outputSize: ${size} is not a positive integer`);
  if (!Number.isInteger(samplingRatio) || samplingRatio < 1) {
    throw new RangeError(`samplingRatio: ${samplingRatio} is not a positive integer`);
  }
  const [batch, height, width] = features.shape;
  const t = roiAlignTaps(boxes, boxImageIndex, [batch, height, width], options);
  return gatherWeightedSum(features, t.indices, t.weights, t.count, size, t.taps);
}

/**
 * The sampling of {@link roiAlign} without the features: for each output cell of each RoI, `taps`
 * = samplingRatio² · 4 flat row indices into the features seen as `[B·H·W, C]` and their weights
 * (bilinear weight / samplingRatio²), cell by cell (RoI, row, column). Output cell k is
 * Σ_t weights[k·taps + t] · features[indices[k·taps + t]]. For callers that evaluate the sum
 * another way (a host-side kernel).
 */
export function roiAlignTaps(
  boxes: BoxesInput,
  boxImageIndex: ImageIndexInput,
  featureShape: readonly [number, number, number],
  options: RoiAlignOptions,
): { indices: Int32Array; weights: Float32Array; count: number; taps: number } {
  const { outputSize: size, spatialScale, samplingRatio = 2, aligned = true } = options;
  const [batch, height, width] = featureShape;
  const rois = readRois(boxes, boxImageIndex, batch);
  const grid = samplingRatio;
  const taps = grid * grid * 4;
  const indices = new Int32Array(rois.count * size * size * taps);
  const weights = new Float32Array(indices.length);
  const scale = 1 / (grid * grid);
  for (let r = 0; r < rois.count; r++) {
    const { x0, y0, roiW, roiH } = roiFrame(rois.boxes, r, spatialScale, aligned);
    const binW = roiW / size, binH = roiH / size;
    const base = rois.imageIndex[r] * height * width;
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        let at = ((r * size + i) * size + j) * taps;
        for (let sy = 0; sy < grid; sy++) {
          const y = y0 + i * binH + ((sy + 0.5) * binH) / grid;
          for (let sx = 0; sx < grid; sx++) {
            const x = x0 + j * binW + ((sx + 0.5) * binW) / grid;
            bilinearTaps(y, x, height, width, base, scale, indices, weights, at);
            at += 4;
          }
        }
      }
    }
  }
  return { indices, weights, count: rois.count, taps };
}

/**
 * The sampling of {@link roiAlign} factored by axis. A sample's bilinear weight is a product
 * hy·hx, and a sample outside the map (y or x beyond one pixel, the Caffe2/Detectron convention)
 * contributes 0 — a zero factor on its axis — so the outputSize² · samplingRatio² · 4 taps of an
 * RoI are the products of outputSize row taps and outputSize column taps:
 *   out[r, i, j] = Σ_p Σ_q rowWeights[p] · colWeights[q] · features[base_r + rows[p] + cols[q]]
 * over the row taps p of (r, i) and the column taps q of (r, j). The taps of one output row (or
 * column) are merged by feature row (column): a sample bin under one feature pixel makes 2–3 of
 * its up to 2·samplingRatio entries instead of 4, and a product of them covers a cell in 4–9
 * reads instead of 16. For a host loop (the two-stage detectors' RoIAlign on wasm/cpu).
 *
 * Per RoI r and output row i, the entries are at `(r·outputSize + i)·slots + p` for p below
 * `rowCount[r·outputSize + i]`, `rows` holding y·W (a flat offset) and `rowWeights` the merged
 * weight / samplingRatio; columns likewise with x. `base[r]` is the RoI's image offset b·H·W.
 */
export function roiAlignAxisTaps(
  boxes: BoxesInput,
  boxImageIndex: ImageIndexInput,
  featureShape: readonly [number, number, number],
  options: RoiAlignOptions,
): {
  count: number;
  slots: number;
  base: Int32Array;
  rows: Int32Array;
  rowWeights: Float64Array;
  rowCount: Uint8Array;
  cols: Int32Array;
  colWeights: Float64Array;
  colCount: Uint8Array;
} {
  const { outputSize: size, spatialScale, samplingRatio = 2, aligned = true } = options;
  const [batch, height, width] = featureShape;
  const rois = readRois(boxes, boxImageIndex, batch);
  const grid = samplingRatio;
  const slots = 2 * grid;
  const n = rois.count * size;
  const t = {
    count: rois.count,
    slots,
    base: new Int32Array(rois.count),
    rows: new Int32Array(n * slots),
    rowWeights: new Float64Array(n * slots),
    rowCount: new Uint8Array(n),
    cols: new Int32Array(n * slots),
    colWeights: new Float64Array(n * slots),
    colCount: new Uint8Array(n),
  };
  for (let r = 0; r < rois.count; r++) {
    const { x0, y0, roiW, roiH } = roiFrame(rois.boxes, r, spatialScale, aligned);
    t.base[r] = rois.imageIndex[r] * height * width;
    for (let i = 0; i < size; i++) {
      const at = (r * size + i) * slots;
      t.rowCount[r * size + i] = axisTaps(y0, roiH / size, i, grid, height, width, t.rows, t.rowWeights, at);
      t.colCount[r * size + i] = axisTaps(x0, roiW / size, i, grid, width, 1, t.cols, t.colWeights, at);
    }
  }
  return t;
}

/**
 * The merged one-axis taps of output bin `i` (as {@link bilinearTaps} on one coordinate): entries
 * from `at`, index·stride and weight / grid; returns how many.
 */
function axisTaps(start: number, bin: number, i: number, grid: number, extent: number, stride: number, index: Int32Array, weight: Float64Array, at: number): number {
  let n = 0;
  const add = (v: number, w: number): void => {
    if (w === 0) return;
    for (let k = at; k < at + n; k++) {
      if (index[k] === v * stride) {
        weight[k] += w;
        return;
      }
    }
    index[at + n] = v * stride;
    weight[at + n] = w;
    n++;
  };
  for (let s = 0; s < grid; s++) {
    let v = start + i * bin + ((s + 0.5) * bin) / grid;
    if (v < -1 || v > extent) continue;
    v = Math.max(v, 0);
    let v0 = Math.floor(v);
    let v1 = v0 + 1;
    if (v0 >= extent - 1) {
      v0 = v1 = extent - 1;
      v = v0;
    }
    const l = v - v0;
    add(v0, (1 - l) / grid);
    add(v1, l / grid);
  }
  return n;
}

/**
 * RoI r in feature-map coordinates: its corner and size. Aligned (Mask R-CNN §3) shifts by half a
 * pixel and keeps sub-pixel sizes; the legacy form (Detectron's first RoIAlign) clamps the size to ≥ 1.
 */
function roiFrame(boxes: ArrayLike<number>, r: number, spatialScale: number, aligned: boolean): { x0: number; y0: number; roiW: number; roiH: number } {
  const offset = aligned ? 0.5 : 0;
  const x0 = boxes[4 * r]! * spatialScale - offset;
  const y0 = boxes[4 * r + 1]! * spatialScale - offset;
  const roiW = boxes[4 * r + 2]! * spatialScale - offset - x0;
  const roiH = boxes[4 * r + 3]! * spatialScale - offset - y0;
  return aligned ? { x0, y0, roiW, roiH } : { x0, y0, roiW: Math.max(roiW, 1), roiH: Math.max(roiH, 1) };
}
