// The gradient registry: @tensorflow/tfjs registers every op's gradient on the shared tfjs-core.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@ablate/engine';
import { assignFpnLevels, multiLevelRoiAlign, roiAlign, roiPool } from './index';

/** Deterministic values in [0, 1): a small LCG. */
function lcg(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32;
  }
  return out;
}

/** 0..n−1 in an LCG-shuffled order, scaled by 0.1: distinct values at least 0.1 apart (no max ties). */
function distinct(n: number, seed: number): Float32Array {
  const order = Array.from(lcg(n, seed), (v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  return Float32Array.from(order, ([, i]) => i * 0.1);
}

type RoiOp = (f: tf.Tensor4D) => tf.Tensor4D;

/** Analytic gradient of Σ op(f)·probe and its central-difference estimate, for every feature. */
function gradients(op: RoiOp, values: Float32Array, shape: [number, number, number, number], probe: tf.Tensor) {
  const features = tf.tensor4d(values, shape);
  const loss = (f: tf.Tensor) => tf.sum(tf.mul(op(f as tf.Tensor4D), probe));
  const analytic = tf.tidy(() => tf.grad(loss)(features).dataSync());
  const eps = 1e-2;
  const weights = probe.dataSync();
  const numeric = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const at = (delta: number) =>
      tf.tidy(() => {
        const v = values.slice();
        v[i] += delta;
        // The sum in float64 on the host: float32 rounding of it would swamp the quotient.
        const out = op(tf.tensor4d(v, shape)).dataSync();
        let sum = 0;
        for (let k = 0; k < out.length; k++) sum += out[k] * weights[k];
        return sum;
      });
    numeric[i] = (at(eps) - at(-eps)) / (2 * eps);
  }
  features.dispose();
  return { analytic, numeric };
}

const SHAPE: [number, number, number, number] = [2, 6, 7, 3];
// Boxes in input pixels at stride 2 (spatialScale 0.5): inside, fractional, and crossing the border.
const BOXES = [
  [1, 1, 9, 7],
  [2.3, 0.7, 13.9, 11.2],
  [-3, 4, 5, 14],
];
const IMAGE = [0, 1, 1];

describe('roiAlign', () => {
  it('on an axis-aligned integer box equals average pooling', () => {
    tf.tidy(() => {
      const f = tf.tensor4d(lcg(1 * 12 * 12 * 2, 3), [1, 12, 12, 2]);
      // Box [8, 8, 24, 24] at stride 2 is feature pixels 4..11, split into 4×4 bins of 2×2 pixels;
      // with aligned sampling (−0.5 shift) the 2×2 points of a bin land exactly on pixel centres.
      const a = roiAlign(f, [[8, 8, 24, 24]], [0], { outputSize: 4, spatialScale: 0.5 });
      const pooled = tf.avgPool(tf.slice(f, [0, 4, 4, 0], [1, 8, 8, 2]), 2, 2, 'valid');
      expect(a.shape).toEqual([1, 4, 4, 2]);
      expect(tf.max(tf.abs(tf.sub(a, pooled))).dataSync()[0]).toBeLessThan(1e-6);
    });
  });

  it('interpolates bilinearly at the bin centre (hand-worked)', () => {
    tf.tidy(() => {
      // Map 2×2: [[0, 10], [20, 30]]. Box [0.5, 0.5, 1.5, 1.5] with outputSize 1, samplingRatio 1:
      // shifted by −0.5 it starts at (0, 0), size 1, so its one sample is (0.5, 0.5): the mean 15.
      // Box [0.5, 0, 1.5, 1]: sample (y, x) = (0, 0.5) → 0.5·0 + 0.5·10 = 5.
      const f = tf.tensor4d([0, 10, 20, 30], [1, 2, 2, 1]);
      const a = roiAlign(f, [[0.5, 0.5, 1.5, 1.5], [0.5, 0, 1.5, 1]], [0, 0], { outputSize: 1, spatialScale: 1, samplingRatio: 1 });
      const v = a.dataSync();
      expect(v[0]).toBeCloseTo(15, 5);
      expect(v[1]).toBeCloseTo(5, 5);
    });
  });

  it('takes the nearest border pixel within one pixel outside the map, and 0 beyond', () => {
    tf.tidy(() => {
      const f = tf.tensor4d([0, 10, 20, 30], [1, 2, 2, 1]);
      // Sample (y, x) = (−0.5, 0.5) is clamped to y = 0: 5. Sample (−1.5, 0.5) is beyond −1: 0.
      const a = roiAlign(f, [[0.5, -0.5, 1.5, 0.5], [0.5, -1.5, 1.5, -0.5]], [0, 0], {
        outputSize: 1,
        spatialScale: 1,
        samplingRatio: 1,
      });
      expect(Array.from(a.dataSync())).toEqual([5, 0]);
    });
  });

  it('has the gradient of central differences w.r.t. the features', () => {
    const probe = tf.tensor4d(lcg(3 * 2 * 2 * 3, 9), [3, 2, 2, 3]);
    const op: RoiOp = (f) => roiAlign(f, BOXES, IMAGE, { outputSize: 2, spatialScale: 0.5 });
    const { analytic, numeric } = gradients(op, lcg(2 * 6 * 7 * 3, 1), SHAPE, probe);
    probe.dispose();
    // Linear in the features: the difference quotient is exact up to float32 rounding of the
    // perturbed feature and of the op's own sums (≈ 1e-7 / 0.02 ≈ 1e-5).
    let touched = 0;
    for (let i = 0; i < numeric.length; i++) {
      expect(Math.abs(analytic[i] - numeric[i])).toBeLessThan(1e-3);
      if (analytic[i] !== 0) touched++;
    }
    expect(touched).toBeGreaterThan(20);
  });

  it('leaks no tensors and handles zero RoIs', () => {
    const f = tf.tensor4d(lcg(2 * 6 * 7 * 3, 1), SHAPE);
    const before = tf.memory().numTensors;
    tf.dispose(roiAlign(f, BOXES, IMAGE, { outputSize: 7, spatialScale: 0.5 }));
    tf.dispose(tf.grad((x: tf.Tensor) => tf.sum(roiAlign(x as tf.Tensor4D, BOXES, IMAGE, { outputSize: 7, spatialScale: 0.5 })))(f));
    const empty = roiAlign(f, [], [], { outputSize: 7, spatialScale: 0.5 });
    expect(empty.shape).toEqual([0, 7, 7, 3]);
    empty.dispose();
    expect(tf.memory().numTensors).toBe(before);
    f.dispose();
  });

  it('names a bad image index', () => {
    const f = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    expect(() => roiAlign(f, [[0, 0, 1, 1]], [1], { outputSize: 2, spatialScale: 1 })).toThrow(/boxImageIndex\[0\]/);
    f.dispose();
  });
});

describe('roiPool', () => {
  // Map 4×4 with value 4y + x.
  const grid = () => tf.tensor4d(Float32Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);

  it('max-pools quantised bins (hand-worked)', () => {
    tf.tidy(() => {
      // Box [0, 0, 3, 3]: 3 − 0 + 1 = 4 pixels a side, 2 bins of 2: maxima at (1,1), (1,3), (3,1), (3,3).
      expect(Array.from(roiPool(grid(), [[0, 0, 3, 3]], [0], { outputSize: 2, spatialScale: 1 }).dataSync())).toEqual([
        5, 7, 13, 15,
      ]);
      // 3 bins over 4 pixels, bin 4/3: [⌊0⌋, ⌈1.33⌉) = [0, 2), [⌊1.33⌋, ⌈2.67⌉) = [1, 3), [2, 4):
      // maxima at y, x ∈ {1, 2, 3}: 5 6 7 / 9 10 11 / 13 14 15.
      expect(Array.from(roiPool(grid(), [[0, 0, 3, 3]], [0], { outputSize: 3, spatialScale: 1 }).dataSync())).toEqual([
        5, 6, 7, 9, 10, 11, 13, 14, 15,
      ]);
      // Box [1.6, 0.4, 4.4, 1.4] at scale 0.5: round(0.8) = 1 .. round(2.2) = 2 in x, round(0.2) = 0 ..
      // round(0.7) = 1 in y: pixels y 0..1, x 1..2, one bin: max at (1, 2) = 6.
      expect(Array.from(roiPool(grid(), [[1.6, 0.4, 4.4, 1.4]], [0], { outputSize: 1, spatialScale: 0.5 }).dataSync())).toEqual([6]);
    });
  });

  it('gives 0 for bins outside the map', () => {
    tf.tidy(() => {
      expect(Array.from(roiPool(grid(), [[10, 10, 12, 12]], [0], { outputSize: 2, spatialScale: 1 }).dataSync())).toEqual([
        0, 0, 0, 0,
      ]);
    });
  });

  it('has the gradient of central differences w.r.t. the features', () => {
    const probe = tf.tensor4d(lcg(3 * 3 * 3 * 3, 4), [3, 3, 3, 3]);
    const op: RoiOp = (f) => roiPool(f, BOXES, IMAGE, { outputSize: 3, spatialScale: 0.5 });
    // Distinct values 0.1 apart: no ties, and a ±0.01 step never changes which pixel is the max.
    const { analytic, numeric } = gradients(op, distinct(2 * 6 * 7 * 3, 2), SHAPE, probe);
    probe.dispose();
    let touched = 0;
    for (let i = 0; i < numeric.length; i++) {
      expect(Math.abs(analytic[i] - numeric[i])).toBeLessThan(1e-3);
      if (analytic[i] !== 0) touched++;
    }
    expect(touched).toBeGreaterThan(10);
  });

  it('leaks no tensors', () => {
    const f = tf.tensor4d(lcg(2 * 6 * 7 * 3, 1), SHAPE);
    const before = tf.memory().numTensors;
    tf.dispose(tf.grad((x: tf.Tensor) => tf.sum(roiPool(x as tf.Tensor4D, BOXES, IMAGE, { outputSize: 7, spatialScale: 0.5 })))(f));
    expect(tf.memory().numTensors).toBe(before);
    f.dispose();
  });
});

describe('assignFpnLevels', () => {
  it('follows FPN eq. 1 with clamping', () => {
    // √(wh) = 224 → 4; 112 → 4 − 1 = 3; 448 → 5; 223 → ⌊4 + log2(0.9955)⌋ = 3; 1000 → 6.16 → 5;
    // 10 → ⌊4 − 4.49⌋ = −1 → 2; 56 → 2; 112×448 (√ = 224) → 4.
    const boxes = [
      [0, 0, 224, 224],
      [10, 10, 122, 122],
      [0, 0, 448, 448],
      [0, 0, 223, 223],
      [0, 0, 1000, 1000],
      [5, 5, 15, 15],
      [0, 0, 56, 56],
      [0, 0, 112, 448],
    ];
    expect(Array.from(assignFpnLevels(boxes))).toEqual([4, 3, 5, 3, 5, 2, 2, 4]);
    expect(Array.from(assignFpnLevels([0, 0, 56, 56], { min: 1 }))).toEqual([2]);
  });
});

describe('multiLevelRoiAlign', () => {
  // P2 (16×16, stride 4) and P3 (24×24, stride 8, so the big boxes lie inside it). Boxes of √(wh) 16 → level
  // ⌊4 + log2(16/224)⌋ = ⌊0.19⌋ → 2 (clamped), and 160 → ⌊3.51⌋ = 3.
  const BOXES_ML = [
    [0, 0, 160, 160],
    [8, 8, 24, 24],
    [4, 0, 164, 160],
  ];
  const IMG = [0, 1, 0];

  it('pools each box from its FPN level, in the order of the boxes', () => {
    tf.tidy(() => {
      const p2 = tf.tensor4d(lcg(2 * 16 * 16 * 2, 11), [2, 16, 16, 2]);
      const p3 = tf.tensor4d(lcg(2 * 24 * 24 * 2, 12), [2, 24, 24, 2]);
      const got = multiLevelRoiAlign([p2, p3], BOXES_ML, IMG, { outputSize: 3 });
      const want = tf.concat([
        roiAlign(p3, [BOXES_ML[0]], [0], { outputSize: 3, spatialScale: 1 / 8 }),
        roiAlign(p2, [BOXES_ML[1]], [1], { outputSize: 3, spatialScale: 1 / 4 }),
        roiAlign(p3, [BOXES_ML[2]], [0], { outputSize: 3, spatialScale: 1 / 8 }),
      ]);
      expect(got.shape).toEqual([3, 3, 3, 2]);
      expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
    });
  });

  it('sends gradients to every level and leaks no tensors', () => {
    const p2 = tf.tensor4d(lcg(2 * 16 * 16 * 2, 11), [2, 16, 16, 2]);
    const p3 = tf.tensor4d(lcg(2 * 24 * 24 * 2, 12), [2, 24, 24, 2]);
    const before = tf.memory().numTensors;
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(multiLevelRoiAlign([a as tf.Tensor4D, b as tf.Tensor4D], BOXES_ML, IMG, { outputSize: 3 })),
    )([p2, p3]);
    // Each output bin averages weights summing to 1 over 3·3 bins · 2 channels · boxes per level:
    // P2 has 1 box → 18 in all; P3 has 2 boxes → 36 (the sampled points all lie inside the maps).
    const sums = tf.tidy(() => grads.map((g) => tf.sum(g).dataSync()[0]));
    expect(sums[0]).toBeCloseTo(18, 4);
    expect(sums[1]).toBeCloseTo(36, 4);
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([p2, p3]);
  });
});

describe('on wasm', () => {
  it('roiAlign and roiPool give the cpu gradients', async () => {
    const values = distinct(2 * 6 * 7 * 3, 5);
    const run = () =>
      tf.tidy(() => {
        const f = tf.tensor4d(values, SHAPE);
        const g1 = tf.grad((x: tf.Tensor) => tf.sum(tf.square(roiAlign(x as tf.Tensor4D, BOXES, IMAGE, { outputSize: 7, spatialScale: 0.5 }))))(f);
        const g2 = tf.grad((x: tf.Tensor) => tf.sum(tf.square(roiPool(x as tf.Tensor4D, BOXES, IMAGE, { outputSize: 7, spatialScale: 0.5 }))))(f);
        return [Array.from(g1.dataSync()), Array.from(g2.dataSync())];
      });
    await tf.setBackend('cpu');
    const cpu = run();
    await initBackend('wasm', { log: () => undefined });
    try {
      const wasm = run();
      for (let k = 0; k < 2; k++) {
        for (let i = 0; i < cpu[k].length; i++) expect(wasm[k][i]).toBeCloseTo(cpu[k][i], 3);
      }
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
