import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../init-backend';
import { simdKernelsOn, useSimdKernels } from './simd/simd-kernels';

/**
 * Each wasm gradient kernel against the cpu backend's reference kernel of the same name, on random
 * data. The cpu kernels ignore dilation, so dilated cases are referenced through the identity
 * "a conv with dilation d = a conv whose filter has d − 1 zeros between taps": the cpu gradient
 * for the zero-spread filter, read at the real taps (p·d, q·d).
 */
const TOLERANCE = 1e-4;

interface Case {
  name: string;
  h: number;
  w: number;
  c: number;
  /** Output channels (conv) or channel multiplier (depthwise). */
  o: number;
  k: number;
  stride: number | [number, number];
  pad: 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
  dilation: number;
}

const CASES: Case[] = [
  { name: '1×1 stride 1 valid', h: 5, w: 6, c: 3, o: 4, k: 1, stride: 1, pad: 'valid', dilation: 1 },
  { name: '1×1 stride 2 same, odd size', h: 7, w: 9, c: 3, o: 5, k: 1, stride: 2, pad: 'same', dilation: 1 },
  { name: '3×3 stride 1 same', h: 8, w: 7, c: 4, o: 5, k: 3, stride: 1, pad: 'same', dilation: 1 },
  { name: '3×3 stride 2 same, odd size', h: 7, w: 9, c: 3, o: 6, k: 3, stride: 2, pad: 'same', dilation: 1 },
  { name: '3×3 stride 2 same, even size', h: 8, w: 10, c: 3, o: 4, k: 3, stride: 2, pad: 'same', dilation: 1 },
  { name: '3×3 stride 2 valid, odd size', h: 9, w: 7, c: 2, o: 3, k: 3, stride: 2, pad: 'valid', dilation: 1 },
  { name: '3×3 stride 2 valid, unread last row', h: 8, w: 8, c: 2, o: 3, k: 3, stride: 2, pad: 'valid', dilation: 1 },
  { name: '5×5 stride 1 same', h: 9, w: 8, c: 3, o: 4, k: 5, stride: 1, pad: 'same', dilation: 1 },
  { name: '5×5 stride 2 same, odd size', h: 11, w: 9, c: 3, o: 4, k: 5, stride: 2, pad: 'same', dilation: 1 },
  { name: '5×5 stride 2 valid', h: 12, w: 11, c: 2, o: 3, k: 5, stride: 2, pad: 'valid', dilation: 1 },
  { name: '3×3 stride 3 same, odd size', h: 13, w: 11, c: 3, o: 4, k: 3, stride: 3, pad: 'same', dilation: 1 },
  { name: '5×5 stride 3 valid', h: 14, w: 13, c: 2, o: 3, k: 5, stride: 3, pad: 'valid', dilation: 1 },
  { name: '3×3 strides [2, 1] same', h: 9, w: 8, c: 3, o: 4, k: 3, stride: [2, 1], pad: 'same', dilation: 1 },
  { name: '7×7 stride 2 same (a ResNet stem)', h: 17, w: 16, c: 3, o: 4, k: 7, stride: 2, pad: 'same', dilation: 1 },
  { name: '3×3 dilation 2 same', h: 9, w: 10, c: 3, o: 4, k: 3, stride: 1, pad: 'same', dilation: 2 },
  { name: '3×3 dilation 3 valid', h: 11, w: 9, c: 2, o: 3, k: 3, stride: 1, pad: 'valid', dilation: 3 },
  { name: '3×3 stride 2 explicit pad', h: 7, w: 8, c: 3, o: 4, k: 3, stride: 2, pad: [[0, 0], [2, 0], [0, 1], [0, 0]], dilation: 1 },
  // Maps large enough for the filter gradient's contiguous tap slices (filter-gradient-gemm.ts).
  { name: '3×3 stride 1 same, 24×23 (tap slices)', h: 24, w: 23, c: 3, o: 4, k: 3, stride: 1, pad: 'same', dilation: 1 },
  { name: '3×3 stride 2 same, 24×21 (tap slices of phases)', h: 24, w: 21, c: 3, o: 4, k: 3, stride: 2, pad: 'same', dilation: 1 },
  { name: '3×3 stride 2 valid, 25×24 (tap slices, unread rows)', h: 25, w: 24, c: 2, o: 3, k: 3, stride: 2, pad: 'valid', dilation: 1 },
  { name: '3×3 stride 2 same, 22×20, 9 channels (tap slices, a product per tap)', h: 22, w: 20, c: 9, o: 5, k: 3, stride: 2, pad: 'same', dilation: 1 },
  { name: '3×3 dilation 2 same, 40×38 (tap slices)', h: 40, w: 38, c: 2, o: 3, k: 3, stride: 1, pad: 'same', dilation: 2 },
  // 32 input channels: the strided input gradient runs one convolution per phase (polyphase.ts).
  { name: '3×3 stride 2 same, odd size, 32 channels (a convolution per phase)', h: 9, w: 11, c: 32, o: 5, k: 3, stride: 2, pad: 'same', dilation: 1 },
  { name: '5×5 stride 2 valid, 32 channels (a convolution per phase)', h: 12, w: 11, c: 32, o: 4, k: 5, stride: 2, pad: 'valid', dilation: 1 },
  { name: '3×3 stride 3 same, 32 channels (a convolution per phase)', h: 13, w: 11, c: 32, o: 5, k: 3, stride: 3, pad: 'same', dilation: 1 },
  // Few output pixels per output channel: the input gradient as W·DYᵀ + col2im (input-gradient-gemm.ts).
  { name: '3×3 stride 1 same, 16 outputs (GEMM input gradient)', h: 3, w: 4, c: 3, o: 16, k: 3, stride: 1, pad: 'same', dilation: 1 },
  { name: '3×3 stride 2 same, odd size, 16 outputs (GEMM input gradient)', h: 5, w: 7, c: 3, o: 16, k: 3, stride: 2, pad: 'same', dilation: 1 },
  { name: '3×3 stride 2 valid, unread row, 16 outputs (GEMM input gradient)', h: 6, w: 6, c: 2, o: 16, k: 3, stride: 2, pad: 'valid', dilation: 1 },
  { name: '3×3 dilation 2 same, 16 outputs (GEMM input gradient)', h: 4, w: 5, c: 2, o: 16, k: 3, stride: 1, pad: 'same', dilation: 2 },
  // Channel counts that take every register tile of the SIMD filter gradient (simd/kernel-text.ts): 21 = 5 bands of 4
  // rows + 1 row (depthwise: 16 + 4 + 1 lanes); 23 = 8 + 8 + 4 + 3 columns.
  { name: '3×3 stride 1 same, 21→23 channels (every SIMD tile)', h: 10, w: 9, c: 21, o: 23, k: 3, stride: 1, pad: 'same', dilation: 1 },
  { name: '3×3 stride 2 same, odd size, 21→23 channels (every SIMD tile)', h: 11, w: 9, c: 21, o: 23, k: 3, stride: 2, pad: 'same', dilation: 1 },
  // 2 × 20 × 17 = 680 pixels: the pointwise product in chunks of 256.
  { name: '1×1 stride 1 valid, 680 pixels (pointwise chunks)', h: 20, w: 17, c: 9, o: 13, k: 1, stride: 1, pad: 'valid', dilation: 1 },
  // Stride 1, ≥ 8 input channels, maps of ≥ 16×16: the gathered input gradient. Interiors of 4n + 1..3 pixels (border
  // columns beyond the padding), none at all (7×7 on 6 columns: every pixel a border column), one-sided padding.
  { name: '3×3 stride 1 same, 17×18, 9→10 channels (gathered)', h: 17, w: 18, c: 9, o: 10, k: 3, stride: 1, pad: 'same', dilation: 1 },
  { name: '5×5 stride 1 valid, 18×21, 8→12 channels (gathered)', h: 18, w: 21, c: 8, o: 12, k: 5, stride: 1, pad: 'valid', dilation: 1 },
  { name: '3×3 stride 1 explicit pad, 16×19, 12→8 channels (gathered)', h: 16, w: 19, c: 12, o: 8, k: 3, stride: 1, pad: [[0, 0], [2, 0], [0, 2], [0, 0]], dilation: 1 },
  { name: '7×7 stride 1 same, 43×6, 8→5 channels (gathered, no interior)', h: 43, w: 6, c: 8, o: 5, k: 7, stride: 1, pad: 'same', dilation: 1 },
];

/** Deterministic uniform values in [−1, 1) (an LCG; Math.random would make failures unrepeatable). */
function randomValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** max |a − b| / max |b|: the error relative to the reference's scale. */
function relativeError(actual: Float32Array, reference: Float32Array): number {
  expect(actual.length).toBe(reference.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - reference[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  expect(scale).toBeGreaterThan(0);
  return diff / scale;
}

/** Spreads a filter [k, k, ·, ·] to [(k−1)d+1, (k−1)d+1, ·, ·] with zeros between taps. */
function spreadFilter(w: tf.Tensor4D, d: number): tf.Tensor4D {
  if (d === 1) return w;
  const [k, , i, o] = w.shape;
  const big = (k - 1) * d + 1;
  const values = w.arraySync();
  const out = tf.buffer([big, big, i, o]);
  for (let p = 0; p < k; p++)
    for (let q = 0; q < k; q++)
      for (let a = 0; a < i; a++) for (let b = 0; b < o; b++) out.set(values[p]![q]![a]![b]!, p * d, q * d, a, b);
  return out.toTensor() as tf.Tensor4D;
}

/** Reads the real taps (p·d, q·d) back out of a gradient for the spread filter. */
function gatherTaps(g: tf.Tensor4D, k: number, d: number): tf.Tensor4D {
  if (d === 1) return g;
  return tf.stridedSlice(g, [0, 0, 0, 0], [(k - 1) * d + 1, (k - 1) * d + 1, g.shape[2], g.shape[3]], [d, d, 1, 1]) as tf.Tensor4D;
}

interface Problem {
  x: Float32Array;
  w: Float32Array;
  dy: Float32Array;
  xShape: [number, number, number, number];
  wShape: [number, number, number, number];
  dyShape: [number, number, number, number];
}

function makeProblem(c: Case, depthwise: boolean, seed: number): Problem {
  const batch = 2;
  const xShape: Problem['xShape'] = [batch, c.h, c.w, c.c];
  const wShape: Problem['wShape'] = [c.k, c.k, c.c, c.o];
  // The output shape the forward conv produces, from the same arithmetic the kernels use.
  const info = tf.backend_util.computeConv2DInfo(xShape, wShape, c.stride, c.dilation, c.pad, undefined, depthwise);
  const dyShape: Problem['dyShape'] = [batch, info.outHeight, info.outWidth, depthwise ? c.c * c.o : c.o];
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  return {
    x: randomValues(size(xShape), seed),
    w: randomValues(size(wShape), seed + 1),
    dy: randomValues(size(dyShape), seed + 2),
    xShape,
    wShape,
    dyShape,
  };
}

/** Filter and input gradients by the current backend's kernels; `dilated` spreads for the cpu reference. */
function gradients(p: Problem, c: Case, depthwise: boolean, viaSpreadFilter: boolean): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const d = viaSpreadFilter ? 1 : c.dilation;
    const x = tf.tensor4d(p.x, p.xShape);
    const dy = tf.tensor4d(p.dy, p.dyShape);
    const w = viaSpreadFilter ? spreadFilter(tf.tensor4d(p.w, p.wShape), c.dilation) : tf.tensor4d(p.w, p.wShape);
    const common = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: d };
    const names = depthwise
      ? ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']
      : ['Conv2DBackpropFilter', 'Conv2DBackpropInput'];
    const dw = tf.engine().runKernel(names[0]!, { x, dy }, { ...common, filterShape: w.shape }) as tf.Tensor4D;
    const dx = tf.engine().runKernel(names[1]!, { dy, filter: w }, { ...common, inputShape: p.xShape }) as tf.Tensor4D;
    const dwTaps = viaSpreadFilter ? gatherTaps(dw, c.k, c.dilation) : dw;
    return [dwTaps.dataSync() as Float32Array, dx.dataSync() as Float32Array];
  });
}

beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
});

afterAll(() => useSimdKernels(true));

it('loads the SIMD filter-gradient kernels with the wasm backend (this machine has wasm SIMD)', async () => {
  expect(simdKernelsOn(tf.backend())).not.toBeNull();
  useSimdKernels(false);
  expect(simdKernelsOn(tf.backend())).toBeNull();
  useSimdKernels(true);
});

describe.each([
  ['conv2d', false],
  ['depthwise (multiplier 1)', true],
  ['depthwise (multiplier 2)', true],
] as const)('wasm %s gradients match the cpu reference kernels', (label, depthwise) => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const kase = depthwise ? { ...c, o: label.includes('2') ? 2 : 1 } : c;
    const problem = makeProblem(kase, depthwise, 1000 + i);
    await tf.setBackend('cpu');
    const [refDw, refDx] = gradients(problem, kase, depthwise, true);
    await tf.setBackend('wasm');
    // The filter gradient both ways: the SIMD kernels on the heap, and the XNNPACK routes they fall back to.
    for (const simd of [true, false]) {
      useSimdKernels(simd);
      const [dw, dx] = gradients(problem, kase, depthwise, false);
      expect(relativeError(dw, refDw), simd ? 'SIMD' : 'XNNPACK').toBeLessThan(TOLERANCE);
      expect(relativeError(dx, refDx)).toBeLessThan(TOLERANCE);
    }
    useSimdKernels(true);
  });
});
