// The gradient registry: @tensorflow/tfjs registers every op's gradient on the shared tfjs-core.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { sigmoidFocalLoss } from './focal-loss';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const LN2 = Math.LN2;
/** Loss of a 1-D case; disposes everything. */
function focal(x: number[], t: number[], options: Parameters<typeof sigmoidFocalLoss>[2] = {}): number {
  return tf.tidy(() => sigmoidFocalLoss(tf.tensor1d(x), tf.tensor1d(t), options).dataSync()[0]);
}

describe('sigmoidFocalLoss', () => {
  it('matches hand-computed values at the RetinaNet defaults (γ = 2, α = 0.25)', () => {
    // x = 0, t = 1: p = 0.5, CE = ln 2, (1 − p_t)² = 0.25, α_t = 0.25 → 0.0625·ln 2 = 0.0433217.
    expect(focal([0], [1])).toBeCloseTo(0.0625 * LN2, 6);
    // x = 0, t = 0: α_t = 0.75 → 0.1875·ln 2 = 0.1299651.
    expect(focal([0], [0])).toBeCloseTo(0.1875 * LN2, 6);
    // x = 2, t = 1: p = σ(2) = 0.880797; 0.25 · (0.119203)² · −ln(0.880797) = 0.000450891.
    expect(focal([2], [1])).toBeCloseTo(0.000450891, 8);
    // x = 2, t = 0: 0.75 · 0.880797² · −ln(0.119203) = 1.2375586.
    expect(focal([2], [0])).toBeCloseTo(1.2375586, 5);
    // Sum reduction: the four together.
    expect(focal([0, 0, 2, 2], [1, 0, 1, 0])).toBeCloseTo(0.0625 * LN2 + 0.1875 * LN2 + 0.000450891 + 1.2375586, 5);
  });

  it('γ = 0 is α-balanced cross-entropy; α < 0 removes the weighting', () => {
    // x = 2, t = 0, γ = 0, α = −1: softplus(2) = 2.1269280.
    expect(focal([2], [0], { gamma: 0, alpha: -1 })).toBeCloseTo(2.126928, 5);
    // γ = 0, α = 0.25: 0.75 · 2.1269280 = 1.595196.
    expect(focal([2], [0], { gamma: 0, alpha: 0.25 })).toBeCloseTo(0.75 * 2.126928, 5);
    // Fractional γ: x = −1, t = 1, γ = 0.5, no α: (1 − σ(−1))^0.5 · −ln σ(−1) = 1.1228645.
    expect(focal([-1], [1], { gamma: 0.5, alpha: -1 })).toBeCloseTo(1.1228645, 5);
  });

  it('weights elements (0 for ignored anchors) and broadcasts the weights', () => {
    const loss = tf.tidy(() =>
      sigmoidFocalLoss(tf.tensor2d([[0, 0], [2, 2]]), tf.tensor2d([[1, 0], [0, 0]]), { weights: tf.tensor2d([[0], [2]]) }).dataSync()[0],
    );
    // Row 0 ignored; row 1 counts twice: 2 · 2 · 1.2375586.
    expect(loss).toBeCloseTo(4 * 1.2375586, 4);
  });

  it('stays finite, with finite gradients, for huge logits and fractional γ', () => {
    const x = tf.tensor1d([1000, -1000, 1000, -1000, 80, -80, 0]);
    const t = tf.tensor1d([1, 1, 0, 0, 1, 0, 1]);
    for (const gamma of [0, 0.5, 2, 5]) {
      const { value, grad } = tf.valueAndGrad((l: tf.Tensor) => sigmoidFocalLoss(l, t, { gamma, alpha: 0.25 }))(x);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
      // γ = 0: x = −1000, t = 1 costs α·1000 = 250; x = 1000, t = 0 costs 0.75·1000 = 750; the right
      // answers at ±1000 and ±80 cost ~0 (e^−80); x = 0, t = 1 costs 0.25·ln 2.
      if (gamma === 0) expect(value.dataSync()[0]).toBeCloseTo(250 + 750 + 0.25 * LN2, 2);
      tf.dispose([value, grad]);
    }
    tf.dispose([x, t]);
  });

  it('has the analytic gradient (BCE: σ(x) − t) and agrees with finite differences for γ = 2', () => {
    const x = tf.tensor1d([0, 1.5, -0.7]);
    const t = tf.tensor1d([1, 0, 1]);
    const bce = tf.grad((l: tf.Tensor) => sigmoidFocalLoss(l, t, { gamma: 0, alpha: -1 }))(x);
    // d/dx = σ(x) − t: 0.5 − 1, σ(1.5) = 0.817574, σ(−0.7) − 1 = 0.331812 − 1.
    [-0.5, 0.817574, -0.668188].forEach((v, k) => expect(bce.dataSync()[k]).toBeCloseTo(v, 5));
    const g = tf.grad((l: tf.Tensor) => sigmoidFocalLoss(l, t))(x).dataSync();
    const xs = [0, 1.5, -0.7];
    const ts = [1, 0, 1];
    const h = 1e-2;
    xs.forEach((xi, k) => {
      const numeric = (focal([xi + h], [ts[k]]) - focal([xi - h], [ts[k]])) / (2 * h);
      expect(g[k]).toBeCloseTo(numeric, 3);
    });
    tf.dispose([x, t, bce]);
  });

  it('disposes its intermediates and rejects bad arguments', () => {
    const x = tf.tensor2d([[0.3, -2]]);
    const t = tf.tensor2d([[1, 0]]);
    const before = tf.memory().numTensors;
    const loss = sigmoidFocalLoss(x, t);
    expect(tf.memory().numTensors).toBe(before + 1);
    loss.dispose();
    expect(() => sigmoidFocalLoss(x, tf.tensor1d([1, 0]))).toThrow(/shapes differ/);
    expect(() => sigmoidFocalLoss(x, t, { gamma: -1 })).toThrow(/gamma/);
    expect(() => sigmoidFocalLoss(x, t, { alpha: 1.5 })).toThrow(/alpha/);
    tf.dispose([x, t]);
  });
});
