// The gradient registry: @tensorflow/tfjs registers every op's gradient on the shared tfjs-core.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '../nn/random';
import { keypointLoss } from './keypoint-loss';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// R = 2 RoIs, S = 3, K = 2: labels RoI-major — RoI 0: keypoint 0 at cell 4, keypoint 1 invisible;
// RoI 1: keypoint 0 at cell 8, keypoint 1 at cell 0. Three visible keypoints.
const SHAPE: [number, number, number, number] = [2, 3, 3, 2];
const LABELS = Int32Array.of(4, -1, 8, 0);

function randomLogits(seed: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length: 2 * 3 * 3 * 2 }, () => 4 * rand() - 2);
}

/** The loss in float64 on the host: Σ over visible (r, k) of logSumExp(row) − row[label], / normalizer. */
function hostLoss(values: readonly number[], labels: Int32Array, normalizer: number): number {
  const [r, s, , k] = SHAPE;
  let sum = 0;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < k; j++) {
      const label = labels[i * k + j]!;
      if (label < 0) continue;
      const row = Array.from({ length: s * s }, (_, c) => values[(i * s * s + c) * k + j]!);
      const max = Math.max(...row);
      sum += max + Math.log(row.reduce((a, x) => a + Math.exp(x - max), 0)) - row[label]!;
    }
  }
  return sum / normalizer;
}

describe('keypointLoss (Mask R-CNN §5: an S²-way softmax per visible keypoint)', () => {
  it('is ln(S²) a visible keypoint for uniform logits, and the host float64 value for random ones', () => {
    const zero = tf.zeros(SHAPE) as tf.Tensor4D;
    // 3 keypoints · ln 9, normalised by 3.
    expect(keypointLoss(zero, LABELS, 3).dataSync()[0]).toBeCloseTo(Math.log(9), 5);
    const values = randomLogits(1);
    const logits = tf.tensor4d(values, SHAPE);
    expect(keypointLoss(logits, LABELS, 3).dataSync()[0]).toBeCloseTo(hostLoss(values, LABELS, 3), 5);
    tf.dispose([zero, logits]);
  });

  it('has the gradient (softmax − one-hot) / N on visible rows, agreeing with central finite differences, and 0 elsewhere', () => {
    const values = randomLogits(2);
    const logits = tf.tensor4d(values, SHAPE);
    const grad = Array.from(tf.grad((x: tf.Tensor) => keypointLoss(x as tf.Tensor4D, LABELS, 3))(logits).dataSync());
    // Central differences of the float64 host loss: the error is O(h²)·f''' ≈ 1e-6 at h = 1e-3, far
    // below the float32 gradient's own rounding (≈ 1e-7 relative on values of order 0.1).
    const h = 1e-3;
    values.forEach((v, i) => {
      const plus = values.slice();
      const minus = values.slice();
      plus[i] = v + h;
      minus[i] = v - h;
      const numeric = (hostLoss(plus, LABELS, 3) - hostLoss(minus, LABELS, 3)) / (2 * h);
      expect(Math.abs(grad[i]! - numeric)).toBeLessThan(1e-5);
    });
    // Keypoint 1 of RoI 0 is invisible: its 9 logits (channel 1 of RoI 0) get exactly 0.
    for (let c = 0; c < 9; c++) expect(grad[c * 2 + 1]).toBe(0);
    // Each visible row's gradient sums to 0 (softmax minus a one-hot, both summing to 1).
    const row0 = Array.from({ length: 9 }, (_, c) => grad[c * 2]!);
    expect(row0.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 6);
    logits.dispose();
  });

  it('invisible keypoints contribute nothing: changing their logits changes neither loss nor gradient', () => {
    const a = randomLogits(3);
    const b = a.slice();
    // Scramble channel 1 of RoI 0 (the invisible keypoint).
    for (let c = 0; c < 9; c++) b[c * 2 + 1] = 100 * Math.sin(c);
    const [la, lb] = [a, b].map((v) => tf.tidy(() => keypointLoss(tf.tensor4d(v, SHAPE), LABELS, 3).dataSync()[0]!));
    expect(lb).toBe(la);
    // No visible keypoint at all: 0, whatever the logits.
    const none = tf.tensor4d(a, SHAPE);
    expect(keypointLoss(none, Int32Array.of(-1, -1, -1, -1), 0).dataSync()[0]).toBe(0);
    none.dispose();
  });

  it('leaks nothing and refuses bad arguments', () => {
    const logits = tf.tensor4d(randomLogits(4), SHAPE);
    const before = tf.memory().numTensors;
    keypointLoss(logits, LABELS, 3).dispose();
    const g = tf.grad((x: tf.Tensor) => keypointLoss(x as tf.Tensor4D, LABELS, 3))(logits);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => keypointLoss(logits, Int32Array.of(1, 2), 1)).toThrow(/2 labels for 2 RoIs × 2 keypoints/);
    expect(() => keypointLoss(logits, Int32Array.of(9, 0, 0, 0), 1)).toThrow(/outside \[0, 9\)/);
    expect(() => keypointLoss(logits, LABELS, 0)).toThrow(/normalizer/);
    expect(tf.memory().numTensors).toBe(before);
    logits.dispose();
  });
});
