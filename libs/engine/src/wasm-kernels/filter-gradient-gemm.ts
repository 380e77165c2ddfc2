import * as tf from '@tensorflow/tfjs-core';
import { type ConvGeometry, readSpan } from './conv-geometry';

/*
 * Filter gradient of `y = conv2d(x, w)` as one matrix product per filter tap:
 *
 *   dW[p, q] (C×O) = X_pq (C×N) · DY (N×O),   X_pq[c, n] = x̃[n_b, n_i·s + p·d, n_j·s + q·d, c],
 *
 * with n running over the output pixels. Why not a convolution: written as one (x as the filter's
 * "image", dy as its "filter"), XNNPACK's inner loop runs over B (2–4) channels, at a third of its
 * forward speed. Why in this orientation: the wasm BatchMatMul is XNNPACK's fully-connected
 * operator, which re-packs its second operand whenever it is a new tensor (every step for dy) but
 * reads the first directly; DY (N×O) is packed once and shared by all kh·kw taps, while the taps,
 * the large operand, are read in place.
 *
 * The taps are read straight out of one channel-major copy of x, without an im2col: in the
 * row-major array xc[c][b][h][w] (padded to Hs×Ws per image, a multiple of the stride), the rows of
 * X_pq are the C contiguous runs that start `p·Ws + q` elements into each channel. So X_pq is ONE
 * contiguous slice of that array (a memcpy), if n runs over the whole padded Hs×Ws grid instead of
 * the Ho×Wo output pixels: DY is zero-padded to that grid, so the extra columns of X_pq, which read
 * the pad or wrap into the next row, contribute nothing. For stride s the array is first split into
 * its s² phases (one transpose), each phase then a stride-1 grid. The price is the padded grid:
 * (Hs·Ws)/(Ho·Wo) times the arithmetic, small for large maps; small maps build the exact columns
 * on the host instead.
 */

/** Below this many input channels the tap products are stacked into one (see filterGradientByTapSlices). */
const MIN_ROWS_PER_TAP_PRODUCT = 8;

/**
 * Above this ratio of padded-grid to output pixels the contiguous-slice trick costs more than it
 * saves. 1.35 takes in the 14×14 maps of a Mask R-CNN mask head (16² / 14² = 1.31): 5–8 ms a call
 * there against 10 ms on the host-columns route (16 channels, 70 RoIs).
 */
const MAX_GRID_OVERHEAD = 1.35;

/** Per axis: the padded length, its phase-grid length (÷ stride), and the crop/pad of x to reach it. */
interface AxisLayout {
  /** Phase-grid length: padded length / stride. */
  grid: number;
  /** Rows (or columns) to add before x (the forward padding) and after (may be negative: a crop). */
  before: number;
  after: number;
}

function axisLayout(inSize: number, padBefore: number, kernel: number, dilation: number, out: number, stride: number): AxisLayout {
  const span = readSpan(kernel, dilation, out, stride);
  const grid = Math.ceil(span / stride);
  return { grid, before: padBefore, after: grid * stride - padBefore - inSize };
}

/**
 * x as [P, C + 1, B, Hs, Ws] flattened, P = sh·sw phases (phase (φh, φw) holds the padded rows
 * φh, φh + sh, … and columns likewise), with one all-zero channel after the last so that a tap's
 * slice, which runs up to `p·Ws + q` elements past its phase's C channels, stays inside the buffer
 * and reads zeros (any finite value would do: it meets zero rows of DY).
 */
function channelMajorPhases(x: tf.Tensor4D, g: ConvGeometry, rows: AxisLayout, cols: AxisLayout): tf.Tensor1D {
  const [b, h, w, c] = x.shape;
  const sh = g.strideHeight;
  const sw = g.strideWidth;
  // Crop what no window reads (negative `after`), before the transpose rather than after it.
  const keepH = Math.min(h, h + rows.after);
  const keepW = Math.min(w, w + cols.after);
  const kept = keepH === h && keepW === w ? x : tf.slice(x, [0, 0, 0, 0], [b, keepH, keepW, c]);
  const channelMajor = tf.reshape(tf.transpose(tf.reshape(kept, [b * keepH * keepW, c])), [c, b, keepH, keepW]);
  const padded = tf.pad(channelMajor, [
    [0, 1],
    [0, 0],
    [rows.before, Math.max(0, rows.after)],
    [cols.before, Math.max(0, cols.after)],
  ]); // [C + 1, B, Hs·sh, Ws·sw]
  if (sh === 1 && sw === 1) return tf.reshape(padded, [-1]);
  // [(C+1)·B·Hs, sh, Ws, sw] → [sh, sw, (C+1)·B·Hs, Ws]: a rank-4 transpose (the wasm kernel's fast path).
  const split = tf.reshape(padded, [(c + 1) * b * rows.grid, sh, cols.grid, sw]);
  return tf.reshape(tf.transpose(split, [1, 3, 0, 2]), [-1]);
}

/** Where filter tap (p, q) reads: its phase and its offset in that phase's grid. */
function tapOrigin(p: number, q: number, g: ConvGeometry): { phase: number; row: number; col: number } {
  const r = p * g.dilationHeight;
  const t = q * g.dilationWidth;
  const phase = (r % g.strideHeight) * g.strideWidth + (t % g.strideWidth);
  return { phase, row: Math.floor(r / g.strideHeight), col: Math.floor(t / g.strideWidth) };
}

/**
 * @param x `[B, H, W, C]` forward input. @param dy `[B, Ho, Wo, O]` gradient of the forward output.
 * @returns `[kh, kw, C, O]`.
 */
export function conv2dFilterGradientGemm(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const route = filterGradientRoute(g);
  if (route === 'pointwise') return pointwiseFilterGradient(x, dy);
  if (route === 'tap-slices') return filterGradientByTapSlices(x, dy, g, rowLayout(g), colLayout(g));
  return filterGradientByHostColumns(x, dy, g);
}

export type FilterGradientRoute = 'pointwise' | 'tap-slices' | 'host-columns';

/** Which way `conv2dFilterGradientGemm` computes the gradient of this geometry. */
export function filterGradientRoute(g: ConvGeometry): FilterGradientRoute {
  if (isPointwise(g)) return 'pointwise';
  const gridPixels = rowLayout(g).grid * colLayout(g).grid;
  return gridPixels <= MAX_GRID_OVERHEAD * g.outHeight * g.outWidth ? 'tap-slices' : 'host-columns';
}

const rowLayout = (g: ConvGeometry) => axisLayout(g.inHeight, g.pad.top, g.filterHeight, g.dilationHeight, g.outHeight, g.strideHeight);
const colLayout = (g: ConvGeometry) => axisLayout(g.inWidth, g.pad.left, g.filterWidth, g.dilationWidth, g.outWidth, g.strideWidth);

/** A 1×1, stride-1, unpadded convolution: dW = Xᵀ·DY with nothing to shift. */
export function isPointwise(g: ConvGeometry): boolean {
  const unpadded = g.pad.top === 0 && g.pad.left === 0 && g.pad.bottom === 0 && g.pad.right === 0;
  return g.filterHeight === 1 && g.filterWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 && unpadded;
}

function pointwiseFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const o = dy.shape[3];
    const xT = tf.transpose(tf.reshape<tf.Rank.R2>(x, [b * h * w, c])); // [C, N]
    return tf.reshape(tf.matMul(xT, tf.reshape<tf.Rank.R2>(dy, [b * h * w, o])), [1, 1, c, o]);
  });
}

/** Large maps: kh·kw contiguous tap slices of the channel-major phases, one product each. */
function filterGradientByTapSlices(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry, rows: AxisLayout, cols: AxisLayout): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, , , c] = x.shape;
    const o = dy.shape[3];
    const gridPixels = rows.grid * cols.grid;
    const phases = channelMajorPhases(x, g, rows, cols);
    const phaseSize = (c + 1) * b * gridPixels;
    // DY on the grid the taps are read on, zero where no output pixel is.
    const dyPadded = tf.pad(dy, [[0, 0], [0, rows.grid - g.outHeight], [0, cols.grid - g.outWidth], [0, 0]]);
    const dyMatrix = tf.reshape<tf.Rank.R2>(dyPadded, [b * gridPixels, o]);
    const taps: tf.Tensor2D[] = [];
    for (let p = 0; p < g.filterHeight; p++) {
      for (let q = 0; q < g.filterWidth; q++) {
        const at = tapOrigin(p, q, g);
        const tap = tf.slice(phases, [at.phase * phaseSize + at.row * cols.grid + at.col], [c * b * gridPixels]);
        taps.push(tf.reshape<tf.Rank.R2>(tap, [c, -1]));
      }
    }
    const shape: [number, number, number, number] = [g.filterHeight, g.filterWidth, c, o];
    // Few channels (an RGB stem: 3) fill few rows of XNNPACK's row tiles: then one product of all
    // taps stacked (kh·kw·C rows) beats kh·kw thin ones, at the price of copying the taps once more.
    if (c < MIN_ROWS_PER_TAP_PRODUCT) return tf.reshape(tf.matMul(tf.concat(taps, 0), dyMatrix), shape);
    return tf.reshape(tf.stack(taps.map((tap) => tf.matMul(tap, dyMatrix))), shape);
  });
}

/**
 * Small maps (the padded grid would waste too much): the columns Xᵀ [kh·kw·C, N] of all taps built
 * on the host (kh·kw·C·N copies, a few hundred thousand at most here), then ONE product whose
 * [kh·kw·C, O] result is already the filter's layout.
 */
function filterGradientByHostColumns(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const c = x.shape[3];
  const o = dy.shape[3];
  const n = g.batch * g.outHeight * g.outWidth;
  const columns = im2colTransposed(x.dataSync() as Float32Array, g, c);
  return tf.tidy(() => {
    const xT = tf.tensor2d(columns, [g.filterHeight * g.filterWidth * c, n]);
    const dW = tf.matMul(xT, tf.reshape<tf.Rank.R2>(dy, [n, o]));
    return tf.reshape(dW, [g.filterHeight, g.filterWidth, c, o]);
  });
}

/** out[(p, q, c), (b, i, j)] = x̃[b, i·s + p·d − pt, j·s + q·d − pl, c], zero in the padding. */
export function im2colTransposed(x: Float32Array, g: ConvGeometry, c: number): Float32Array {
  const { batch, inHeight, inWidth, outHeight, outWidth } = g;
  const n = batch * outHeight * outWidth;
  const out = new Float32Array(g.filterHeight * g.filterWidth * c * n);
  for (let p = 0; p < g.filterHeight; p++) {
    for (let q = 0; q < g.filterWidth; q++) {
      const tapRows = (p * g.filterWidth + q) * c;
      for (let b = 0; b < batch; b++) {
        for (let i = 0; i < outHeight; i++) {
          const h = i * g.strideHeight + p * g.dilationHeight - g.pad.top;
          if (h < 0 || h >= inHeight) continue;
          for (let j = 0; j < outWidth; j++) {
            const w = j * g.strideWidth + q * g.dilationWidth - g.pad.left;
            if (w < 0 || w >= inWidth) continue;
            const pixel = (b * outHeight + i) * outWidth + j;
            const source = ((b * inHeight + h) * inWidth + w) * c;
            for (let ch = 0; ch < c; ch++) out[(tapRows + ch) * n + pixel] = x[source + ch]!;
          }
        }
      }
    }
  }
  return out;
}
