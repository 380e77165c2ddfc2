import * as tf from '@tensorflow/tfjs-core';
import type { ConvGeometry } from './conv-geometry';
import { derivedFilter } from './derived-filters';
import { transposeBlock } from './flip-taps';
import { cropForPadding } from './spatial';

/**
 * Input gradient of a strided convolution by polyphase decomposition, without the s² − 1 zeros
 * per value that spreading the output gradient (`spreadOutputGradient`) would feed the convolution.
 *
 * Along one axis, with stride s, filter size k, top padding pt: the input rows h = φ + s·m of one
 * phase φ ∈ [0, s) receive gradient only from the taps p ≡ φ + pt (mod s), and
 *   dx[φ + s·m] = Σ_t dy[m + a_φ − t] · w[e_φ + s·t],   e_φ = (φ + pt) mod s, a_φ = ⌊(φ + pt)/s⌋,
 * a stride-1 correlation of dy with that phase's flipped sub-filter. All s² phases (in 2-D) read
 * the same dy windows, so their sub-filters are laid side by side as s²·C output channels of ONE
 * stride-1 convolution over dy, and `interleavePhases` puts the phases back in place in [B, H, W, C].
 * Work: ⌈k/s⌉²·s² taps per output pixel against k²·s² for the spread version (3×3, s = 2: 16 vs 36).
 */

/** One axis of the decomposition: where each phase's taps sit in the shared dy window. */
interface AxisPlan {
  /** Window size T' of the combined filter along this axis. */
  window: number;
  /** dy index of the window start for m = 0 (may be negative: zero padding). */
  start: number;
  /** For each filter tap p: its phase φ and its position in the window. */
  tapPhase: number[];
  tapSlot: number[];
}

function planAxis(k: number, s: number, padBefore: number): AxisPlan {
  const tapPhase: number[] = [];
  const offset: number[] = []; // a_φ − t: dy index (relative to m) that tap p reads
  for (let p = 0; p < k; p++) {
    // p = e_φ + s·t with e_φ ≡ φ + pt (mod s), so φ ≡ p − pt (mod s).
    const phase = (((p - padBefore) % s) + s) % s;
    const a = Math.floor((phase + padBefore) / s);
    const t = Math.floor(p / s);
    tapPhase.push(phase);
    offset.push(a - t);
  }
  const start = Math.min(...offset);
  const window = Math.max(...offset) - start + 1;
  return { window, start, tapPhase, tapSlot: offset.map((o) => o - start) };
}

/**
 * The combined filter [T'h, T'w, O, s²·C]: tap (p, q) of `w` lands at its window slot, in the
 * output-channel block of its phase (φh·s + φw, the order `interleavePhases` reads), with its
 * channel axes swapped (dy's O channels are this convolution's input). Built on the host: one
 * tiled C×O transpose per tap (see flip-taps.ts for why not with wasm kernels).
 */
function combinedFilter(w: tf.Tensor4D, rows: AxisPlan, cols: AxisPlan, s: number): tf.Tensor4D {
  const [kh, kw, c, o] = w.shape;
  const phases = s * s;
  const src = w.dataSync() as Float32Array;
  const out = new Float32Array(rows.window * cols.window * o * phases * c);
  const tapC = new Float32Array(o * c);
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      const phase = rows.tapPhase[p]! * s + cols.tapPhase[q]!;
      const slot = rows.tapSlot[p]! * cols.window + cols.tapSlot[q]!;
      transposeBlock(src, (p * kw + q) * c * o, c, o, tapC, 0); // [O, C]
      for (let oc = 0; oc < o; oc++) {
        out.set(tapC.subarray(oc * c, (oc + 1) * c), ((slot * o + oc) * phases + phase) * c);
      }
    }
  }
  return tf.tensor4d(out, [rows.window, cols.window, o, phases * c]);
}

/**
 * Input gradient of `conv2d(x, w)` with equal strides s > 1 and dilation 1.
 * @param dy `[B, Ho, Wo, O]`; @param w `[kh, kw, C, O]`; @returns `[B, H, W, C]`.
 */
export function conv2dInputGradientPolyphase(dy: tf.Tensor4D, w: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const s = g.strideHeight;
  return tf.tidy(() => {
    const rows = planAxis(g.filterHeight, s, g.pad.top);
    const cols = planAxis(g.filterWidth, s, g.pad.left);
    const kind = `polyphase s${s} pad ${g.pad.top},${g.pad.left}`; // the plans depend on nothing else
    const filter = derivedFilter(w, kind, () => combinedFilter(w, rows, cols, s)); // [T'h, T'w, O, s²C]
    const mh = Math.ceil(g.inHeight / s);
    const mw = Math.ceil(g.inWidth / s);
    // Output m reads dy[m + start … m + start + T' − 1]: pad (or crop) so that exactly M outputs come out.
    const windowed = cropForPadding(
      dy,
      [-rows.start, mh - 1 + rows.window + rows.start - g.outHeight],
      [-cols.start, mw - 1 + cols.window + cols.start - g.outWidth],
    );
    const phases = tf.conv2d(windowed.x, filter, 1, windowed.pad); // [B, Mh, Mw, s²C]
    const interleaved = interleavePhases(phases, s); // [B, Mh·s, Mw·s, C]
    if (mh * s === g.inHeight && mw * s === g.inWidth) return interleaved;
    return tf.slice(interleaved, [0, 0, 0, 0], [-1, g.inHeight, g.inWidth, -1]);
  });
}

/**
 * `depthToSpace(x, s)` for NHWC: [B, M, N, s²·C] with channel (φh·s + φw)·C + c → [B, M·s, N·s, C]
 * at (m·s + φh, n·s + φw). As one 4-D transpose that swaps the column axis with the row phase,
 * the (φw, C) blocks staying contiguous: the wasm DepthToSpace kernel took 130 ms for
 * [4, 64, 64, 64] → [4, 128, 128, 16] where this takes 16 ms (tfjs-backend-wasm 4.22).
 */
export function interleavePhases(x: tf.Tensor4D, s: number): tf.Tensor4D {
  const [b, m, n, channels] = x.shape;
  const c = channels / (s * s);
  const rows = tf.reshape(x, [b * m, n, s, s * c]);
  return tf.reshape(tf.transpose(rows, [0, 2, 1, 3]), [b, m * s, n * s, c]);
}
