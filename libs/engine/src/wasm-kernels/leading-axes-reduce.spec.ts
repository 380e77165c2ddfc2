import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../init-backend';
import { onBothBackends } from '../testing/on-both-backends';
import { leadingAxesReduction } from './leading-axes-reduce';
import { useSimdKernels } from './simd/simd-kernels';

/**
 * The wasm Sum and Mean over every axis but the last against the cpu backend, by both of the engine's routes: the
 * SIMD channel sums (channels a multiple of 4) and the average pool (fewer channels, or the SIMD kernels off).
 */

beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
});

describe('leadingAxesReduction', () => {
  it('takes every axis but the last, in any order or sign, and nothing else', () => {
    expect(leadingAxesReduction([2, 3, 4, 5], [0, 1, 2])).toEqual({ rows: 24, channels: 5 });
    expect(leadingAxesReduction([2, 3, 4, 5], [2, -4, 1])).toEqual({ rows: 24, channels: 5 });
    expect(leadingAxesReduction([7, 5], 0)).toEqual({ rows: 7, channels: 5 });
    expect(leadingAxesReduction([2, 3, 4, 5], [0, 1])).toBeNull();
    expect(leadingAxesReduction([2, 3, 4, 5], [1, 2, 3])).toBeNull();
    expect(leadingAxesReduction([6], 0)).toBeNull();
  });
});

describe.each([true, false])('Sum and Mean over the leading axes on wasm (SIMD kernels: %s)', (simd) => {
  beforeEach(() => useSimdKernels(simd));
  afterEach(() => useSimdKernels(true));

  it.each([
    [[8, 32, 32, 48], [0, 1, 2], false],
    [[8, 4, 4, 576], [0, 1, 2], true],
    [[2048, 64], 0, true],
    [[131072, 3], [0], false],
    [[1, 1, 1, 7], [0, 1, 2], false],
  ] as const)('%j over %j (keepDims %s): values and gradient as the cpu backend, to float32 summation error', async (shape, axis, keepDims) => {
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    const channels = shape[shape.length - 1]!;
    const rows = size / channels;
    const [got, want] = await onBothBackends(() =>
      tf.tidy(() => {
        const x = tf.sin(tf.mul(tf.range(0, size), 0.37)).reshape([...shape]);
        const s = tf.sum(x, axis as number | number[], keepDims);
        const m = tf.mean(x, axis as number | number[], keepDims);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.sum(t, axis as number | number[], keepDims))))(x);
        return { x: x.dataSync(), shapes: [s.shape, m.shape], sum: s.dataSync(), mean: m.dataSync(), grad: g.dataSync() };
      }),
    );
    expect(got.shapes).toEqual(want.shapes);
    // Exact (float64) column sums and Σ|x| per column: float32 summation errors scale with the latter.
    const exact = new Float64Array(channels);
    const magnitude = new Float64Array(channels);
    want.x.forEach((v, i) => {
      exact[i % channels]! += v;
      magnitude[i % channels]! += Math.abs(v);
    });
    for (let c = 0; c < channels; c++) {
      const tol = 1e-6 * magnitude[c]! + 1e-6;
      expect(Math.abs(got.sum[c]! - exact[c]!)).toBeLessThanOrEqual(tol);
      expect(Math.abs(want.sum[c]! - exact[c]!)).toBeLessThanOrEqual(tol);
      expect(Math.abs(got.mean[c]! - exact[c]! / rows)).toBeLessThanOrEqual(tol / rows);
    }
    // d/dx Σ_c (Σ_rows x)² = 2·(column sum), broadcast to every row.
    got.grad.forEach((v, i) => expect(Math.abs(v - 2 * exact[i % channels]!)).toBeLessThanOrEqual(2e-6 * magnitude[i % channels]! + 1e-6));
  });

  it('leaves other reductions to the backend (values as the cpu backend)', async () => {
    const [got, want] = await onBothBackends(() => tf.tidy(() => Array.from(tf.sum(tf.sin(tf.range(0, 210)).reshape([5, 6, 7]), 1).dataSync())));
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });

  it('keeps int32 sums exact (the backend\'s own kernel)', async () => {
    const [got, want] = await onBothBackends(() => tf.tidy(() => Array.from(tf.sum(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), 0).dataSync())));
    expect(got).toEqual(want);
    expect(got).toEqual([9, 12]);
  });
});
