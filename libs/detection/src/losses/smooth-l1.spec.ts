// The gradient registry: @tensorflow/tfjs registers every op's gradient on the shared tfjs-core.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { smoothL1Loss } from './smooth-l1';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const loss = (pred: number[], beta: number, weights?: number[]) =>
  tf.tidy(() =>
    smoothL1Loss(tf.tensor1d(pred), tf.zerosLike(tf.tensor1d(pred)), beta, weights && tf.tensor1d(weights)).dataSync()[0],
  );

describe('smoothL1Loss', () => {
  it('is quadratic below β and linear above, summed', () => {
    // β = 0.1, |n| = 0, 0.05, 1, 3:  0; 0.5·0.05²/0.1 = 0.0125; 1 − 0.05 = 0.95; 3 − 0.05 = 2.95 → 3.9125.
    expect(loss([0, 0.05, 1, -3], 0.1)).toBeCloseTo(3.9125, 5);
    // β = 1 (Fast R-CNN): 0.5·0.5² = 0.125 and 2 − 0.5 = 1.5 → 1.625.
    expect(loss([0.5, 2], 1)).toBeCloseTo(1.625, 6);
  });

  it('is L1 at β = 0 and for β < 1e-5', () => {
    // |0| + 0.05 + 1 + 3 = 4.05.
    expect(loss([0, 0.05, 1, -3], 0)).toBeCloseTo(4.05, 5);
    expect(loss([0, 0.05, 1, -3], 1e-6)).toBeCloseTo(4.05, 5);
  });

  it('is continuous at n = β', () => {
    // Both branches give 0.5·β at n = β.
    expect(loss([0.1], 0.1)).toBeCloseTo(0.05, 6);
    expect(loss([0.1 - 1e-6], 0.1)).toBeCloseTo(0.05, 5);
  });

  it('applies per-element weights (positive-anchor mask)', () => {
    expect(loss([1, 2, 3], 0, [1, 0, 2])).toBeCloseTo(1 + 6, 6);
  });

  it('has finite gradients, including at zero error and with β = 0', () => {
    const pred = tf.tensor1d([0, 0.05, 2, -2]);
    const target = tf.zeros([4]);
    for (const beta of [0, 0.1]) {
      const g = tf.grad((p: tf.Tensor) => smoothL1Loss(p, target, beta))(pred);
      const v = Array.from(g.dataSync());
      expect(v.every(Number.isFinite)).toBe(true);
      // Slope n/β = 0.5 at n = 0.05 < β = 0.1; ±1 in the linear part.
      expect(v.slice(1)).toEqual(beta === 0 ? [1, 1, -1] : [expect.closeTo(0.5, 5), 1, -1]);
      g.dispose();
    }
    tf.dispose([pred, target]);
  });

  it('leaks nothing and rejects bad arguments', () => {
    const p = tf.tensor1d([1, 2]);
    const before = tf.memory().numTensors;
    smoothL1Loss(p, p, 0.1).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => smoothL1Loss(p, p, -1)).toThrow(/beta/);
    expect(() => smoothL1Loss(p, tf.tensor1d([1]), 0.1)).toThrow(/shapes differ/);
    p.dispose();
  });
});
