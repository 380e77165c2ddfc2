import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../init-backend';
import { onBothBackends } from '../testing/on-both-backends';
import { meanGradConfig, sumGradConfig } from './reduction-gradients';

/** The engine's gradients of Sum and Mean (reduction-gradients.ts), registered by initBackend, against their closed form. */

beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
});

it('are the gradients tfjs uses once the engine has started', () => {
  expect(tf.getGradient('Sum')).toBe(sumGradConfig);
  expect(tf.getGradient('Mean')).toBe(meanGradConfig);
});

describe.each([
  ['every axis', [2, 3, 4], undefined, false],
  ['the middle axis, keepDims', [2, 3, 4], 1, true],
  ['two axes, negative', [2, 3, 4], [0, -1], false],
  ['a vector', [7], 0, false],
] as const)('Sum and Mean gradients over %s', (_name, shape, axis, keepDims) => {
  it('broadcast the upstream gradient (÷ the reduced count for Mean) on wasm and cpu', async () => {
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    const axes = axis === undefined ? shape.map((_, i) => i) : [axis].flat().map((a) => (a < 0 ? a + shape.length : a));
    const count = axes.reduce((n, a) => n * shape[a]!, 1);
    const [got, want] = await onBothBackends(() =>
      tf.tidy(() => {
        const x = tf.range(0, size).reshape([...shape]);
        // Upstream weights w (the reduced tensor's shape): the gradient at x[i] is the w of i's reduced position.
        const reducedShape = tf.sum(x, axis as number | number[] | undefined, keepDims).shape;
        const w = tf.add(tf.range(0, tf.util.sizeFromShape(reducedShape)), 1).reshape(reducedShape);
        const sumGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.sum(t, axis as number | number[] | undefined, keepDims), w)))(x);
        const meanGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mean(t, axis as number | number[] | undefined, keepDims), w)))(x);
        const expected = tf.mul(tf.reshape(w, shape.map((d, i) => (axes.includes(i) ? 1 : d))), tf.ones([...shape]));
        return { sum: Array.from(sumGrad.dataSync()), mean: Array.from(meanGrad.dataSync()), expected: Array.from(expected.dataSync()) };
      }),
    );
    for (const result of [got, want]) {
      expect(result.sum).toEqual(result.expected);
      result.mean.forEach((v, i) => expect(v).toBeCloseTo(result.expected[i]! / count, 6));
    }
  });
});
