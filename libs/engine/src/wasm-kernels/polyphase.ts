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

/** Input channels from which the per-phase route's host scatter (runs of C floats) pays off. */
const MIN_CHANNELS_PER_PHASE_ROUTE = 32;

/**
 * Whether the strided input gradient should run one convolution per phase (`conv2dInputGradientByPhase`)
 * rather than one with the combined filter: yes when some phase has no taps at all (a 1×1 or 2×2
 * filter at stride 2: the combined filter is mostly zeros) or when C is large enough for the
 * scatter. Measured (CPU ms, combined → per phase): [4,64,64,32]→64 3×3 16.8 → 13.1; [2,16,16,64]
 * →128 1×1 0.70 → 0.32; but an RGB stem [8,128,128,3] 7×7 16.6 → 27.8 (runs of 3 floats).
 */
export function prefersConvolutionPerPhase(g: ConvGeometry, inChannels: number): boolean {
  const s = g.strideHeight;
  const rows = planAxis(g.filterHeight, s, g.pad.top);
  const cols = planAxis(g.filterWidth, s, g.pad.left);
  const emptyPhase = [...Array(s).keys()].some((f) => phaseSlots(rows, f) === null || phaseSlots(cols, f) === null);
  return emptyPhase || inChannels >= MIN_CHANNELS_PER_PHASE_ROUTE;
}

/** The taps of one phase along one axis: the window slots they occupy, [first, last]. */
function phaseSlots(plan: AxisPlan, phase: number): { first: number; last: number } | null {
  let first = Infinity;
  let last = -Infinity;
  plan.tapPhase.forEach((ph, p) => {
    if (ph !== phase) return;
    first = Math.min(first, plan.tapSlot[p]!);
    last = Math.max(last, plan.tapSlot[p]!);
  });
  return first === Infinity ? null : { first, last };
}

/** Phase (φh, φw)'s own filter [Th, Tw, O, C]: its taps only, at their slots from `rows.first`/`cols.first`. */
function phaseFilter(
  w: tf.Tensor4D,
  plans: { rows: AxisPlan; cols: AxisPlan },
  phase: [number, number],
  span: { rows: { first: number; last: number }; cols: { first: number; last: number } },
): tf.Tensor4D {
  const [kh, kw, c, o] = w.shape;
  const th = span.rows.last - span.rows.first + 1;
  const tw = span.cols.last - span.cols.first + 1;
  const src = w.dataSync() as Float32Array;
  const out = new Float32Array(th * tw * o * c);
  for (let p = 0; p < kh; p++) {
    if (plans.rows.tapPhase[p] !== phase[0]) continue;
    for (let q = 0; q < kw; q++) {
      if (plans.cols.tapPhase[q] !== phase[1]) continue;
      const slot = (plans.rows.tapSlot[p]! - span.rows.first) * tw + (plans.cols.tapSlot[q]! - span.cols.first);
      transposeBlock(src, (p * kw + q) * c * o, c, o, out, slot * o * c); // [O, C] at the slot
    }
  }
  return tf.tensor4d(out, [th, tw, o, c]);
}

/** The wasm backend's public methods `scatterPhases` uses. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * out[b, m·s + φh, n·s + φw, c] = phases[φh·s + φw][b, m, n, c] (null phase: zeros), cropped to
 * [B, H, W, C]: the phases put back in place on the heap, runs of C floats at a time.
 */
function scatterPhases(phases: Array<tf.Tensor4D | null>, s: number, shape: [number, number, number, number]): tf.Tensor4D {
  const [b, h, w, c] = shape;
  const heap = tf.backend() as unknown as HeapBackend;
  const info = heap.makeOutput(shape, 'float32');
  const out = heap.typedArrayFromHeap(info);
  out.fill(0);
  phases.forEach((phase, k) => {
    if (phase === null) return;
    const [, mh, mw] = phase.shape;
    const fh = Math.floor(k / s);
    const fw = k % s;
    const src = heap.typedArrayFromHeap(phase);
    for (let bi = 0; bi < b; bi++) {
      for (let m = 0; m < mh; m++) {
        const row = m * s + fh;
        if (row >= h) break;
        for (let n = 0; n < mw; n++) {
          const col = n * s + fw;
          if (col >= w) break;
          const from = ((bi * mh + m) * mw + n) * c;
          const to = ((bi * h + row) * w + col) * c;
          for (let ch = 0; ch < c; ch++) out[to + ch] = src[from + ch]!;
        }
      }
    }
  });
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor4D;
}

/**
 * Input gradient of `conv2d(x, w)` with equal strides s > 1 and dilation 1, one stride-1
 * convolution per phase with that phase's taps only (for 3×3, s = 2: 2×2, 2×1, 1×2 and 1×1
 * filters, 9 taps in all, where the combined filter of `conv2dInputGradientPolyphase` has 16 per
 * phase-channel block, 7 of them zeros), the phases then put in place on the heap.
 * @param dy `[B, Ho, Wo, O]`; @param w `[kh, kw, C, O]`; @returns `[B, H, W, C]`.
 */
export function conv2dInputGradientByPhase(dy: tf.Tensor4D, w: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const s = g.strideHeight;
  const plans = { rows: planAxis(g.filterHeight, s, g.pad.top), cols: planAxis(g.filterWidth, s, g.pad.left) };
  const mh = Math.ceil(g.inHeight / s);
  const mw = Math.ceil(g.inWidth / s);
  return tf.tidy(() => {
    const phases: Array<tf.Tensor4D | null> = [];
    for (let fh = 0; fh < s; fh++) {
      for (let fw = 0; fw < s; fw++) {
        const rows = phaseSlots(plans.rows, fh);
        const cols = phaseSlots(plans.cols, fw);
        if (rows === null || cols === null) {
          phases.push(null);
          continue;
        }
        const kind = `phase ${fh},${fw} s${s} pad ${g.pad.top},${g.pad.left}`;
        const filter = derivedFilter(w, kind, () => phaseFilter(w, plans, [fh, fw], { rows, cols }));
        // Output m reads dy[m + start + first … m + start + last]: pad or crop for exactly M outputs.
        const top = plans.rows.start + rows.first;
        const left = plans.cols.start + cols.first;
        const windowed = cropForPadding(
          dy,
          [-top, mh - 1 + top + filter.shape[0] - g.outHeight],
          [-left, mw - 1 + left + filter.shape[1] - g.outWidth],
        );
        phases.push(tf.conv2d(windowed.x, filter, 1, windowed.pad));
      }
    }
    return scatterPhases(phases, s, [g.batch, g.inHeight, g.inWidth, w.shape[2]]);
  });
}
