import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../init-backend';
import { onBothBackends } from '../testing/on-both-backends';
import { HOST_MATMUL_MAX_ROWS } from './heap-kernels';
import { useSimdKernels } from './simd/simd-kernels';

/** The heap versions of MaxPoolGrad, SplitV and small BatchMatMul (heap-kernels.ts), and Cast, against the cpu backend. */

/** Deterministic values in [−1, 1) with ties (quantised), so that "first maximum wins" is exercised. */
function values(n: number, seed: number, levels = 0): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = s / 2 ** 31 - 1;
    return levels > 0 ? Math.round(v * levels) / levels : v;
  });
}

beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
});

describe('heap kernels on wasm', () => {
  it.each([
    ['3×3 stride 2 same (a ResNet stem), ties', [2, 9, 8, 3], 3, 2, 'same' as const, 4],
    ['2×2 stride 2 valid, odd size', [1, 7, 9, 2], 2, 2, 'valid' as const, 0],
    ['3×3 stride 1 same', [2, 5, 6, 4], 3, 1, 'same' as const, 3],
    ['3×3 stride 2 valid', [1, 8, 7, 2], 3, 2, 'valid' as const, 0],
    // 7 channels: a vector of the SIMD kernel and a scalar tail; 16 with ties: four vectors.
    ['3×3 stride 2 same, 7 channels (a BiFPN downsampling)', [2, 9, 10, 7], 3, 2, 'same' as const, 0],
    ['3×3 stride 2 same, 16 channels, ties', [1, 8, 8, 16], 3, 2, 'same' as const, 3],
  ])('MaxPoolGrad: %s', async (_name, shape, k, stride, pad, levels) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const grad = (x: tf.Tensor4D) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, k, stride, pad), tf.maxPool(tf.sin(x), k, stride, pad))))(x);
    const [got, want] = await onBothBackends(() =>
      tf.tidy(() => Array.from(grad(tf.tensor4d(values(size, 7, levels), shape as [number, number, number, number])).dataSync())),
    );
    // The wasm side both ways: the SIMD window kernel, and the host loop it replaces.
    useSimdKernels(false);
    const onHost = Array.from(tf.tidy(() => grad(tf.tensor4d(values(size, 7, levels), shape as [number, number, number, number])).dataSync()));
    useSimdKernels(true);
    for (const result of [got, onHost]) {
      expect(result.length).toBe(want.length);
      // Equal up to float32 summation order where windows overlap (several outputs into one input).
      result.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want[i]!))));
    }
    expect(got.some((v) => v !== 0)).toBe(true);
  });

  it.each([
    [[4, 10, 7], [3, 5, 2], 1],
    [[2, 3069, 11], [7, 4], 2],
    [[6, 5], 3, 0],
    [[12], [5, 0, 7], 0],
  ] as const)('SplitV of %j into %j along %i', async (shape, splits, axis) => {
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const [got, want] = await onBothBackends(() =>
        tf.tidy(() => {
          const x = tf.tensor(values(size, 3).map((v) => (dtype === 'float32' ? v : v > 0 ? 1 : 0)), [...shape], dtype);
          return tf.split(x, splits as number | number[], axis).map((t) => [t.shape, Array.from(t.dataSync())]);
        }),
      );
      expect(got).toEqual(want);
    }
  });

  it.each([
    [[1, 300], [300, 17]],
    [[2, 64], [64, 5]],
    [[1, 1, 40], [40, 3]],
    [[3, 8], [8, 4]], // more rows than the host loop takes: XNNPACK
  ])('BatchMatMul %j · %j', async (aShape, bShape) => {
    const [got, want] = await onBothBackends(() =>
      tf.tidy(() => {
        const a = tf.tensor(values(aShape.reduce((x, y) => x * y, 1), 11), aShape);
        const b = tf.tensor(values(bShape.reduce((x, y) => x * y, 1), 12), bShape);
        const product = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D);
        return [product.shape, Array.from(product.dataSync())] as const;
      }),
    );
    expect(got[0]).toEqual(want[0]);
    got[1].forEach((v, i) => expect(v).toBeCloseTo(want[1][i]!, 5));
    expect(HOST_MATMUL_MAX_ROWS).toBeGreaterThanOrEqual(2);
  });

  it.each([
    [[6, 9], [6, 4], true, false],
    [[5, 9], [4, 9], false, true],
    [[9, 5], [4, 9], true, true],
    [[2, 7, 3], [2, 7, 5], true, false], // batched
    [[1, 8], [3, 8], false, true], // one row: the host loop after the copy
  ] as const)('BatchMatMul %j · %j with transposeA %s, transposeB %s, and its gradient', async (aShape, bShape, tA, tB) => {
    const [got, want] = await onBothBackends(() =>
      tf.tidy(() => {
        const a = tf.tensor(values(aShape.reduce((x: number, y: number) => x * y, 1), 13), [...aShape]);
        const b = tf.tensor(values(bShape.reduce((x: number, y: number) => x * y, 1), 14), [...bShape]);
        const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.sin(tf.matMul(x, y, tA, tB)));
        const product = tf.matMul(a, b, tA, tB);
        const [da, db] = tf.grads(f)([a, b]);
        return [product.shape, [...product.dataSync(), ...da!.dataSync(), ...db!.dataSync()]] as const;
      }),
    );
    expect(got[0]).toEqual(want[0]);
    expect(got[1].length).toBe(want[1].length);
    got[1].forEach((v, i) => expect(v).toBeCloseTo(want[1][i]!, 5));
  });

  it('casts to the same dtype by reference, and to another dtype as the cpu backend does', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor1d([-1.5, 0, 2.75]);
    const same = tf.cast(x, 'float32');
    expect(same.dataId).toBe(x.dataId);
    x.dispose();
    // The data outlives the first reference's disposal.
    expect(Array.from(same.dataSync())).toEqual([-1.5, 0, 2.75]);
    const [got, want] = await onBothBackends(() =>
      tf.tidy(() => {
        const v = tf.tensor1d([-1.5, 0, 2.75]);
        return [Array.from(tf.cast(v, 'int32').dataSync()), Array.from(tf.cast(v, 'bool').dataSync()), Array.from(tf.cast(tf.cast(v, 'int32'), 'float32').dataSync())];
      }),
    );
    expect(got).toEqual(want);
    expect(got[0]).toEqual([-1, 0, 2]);
    same.dispose();
  });
});
