import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../init-backend';

beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
});

describe('UnsortedSegmentSum on wasm', () => {
  it('sums rows by segment, duplicates accumulating, ids out of range dropped', () => {
    const out = tf.tidy(() => {
      const x = tf.tensor2d([[1, 2], [10, 20], [100, 200], [1000, 2000], [5, 5]]);
      const ids = tf.tensor1d([2, 0, 2, -1, 3], 'int32');
      return tf.unsortedSegmentSum(x, ids, 3).arraySync();
    });
    // Segment 0: row 1 = [10, 20]; segment 1: nothing; segment 2: rows 0 + 2 = [101, 202];
    // id −1 (row 3) and id 3 ≥ numSegments (row 4) contribute nothing, as in TensorFlow.
    expect(out).toEqual([[10, 20], [0, 0], [101, 202]]);
  });

  it('is the gradient of gather: a row read twice receives both gradients', async () => {
    const grad = tf.tidy(() => {
      const table = tf.tensor2d([[1, 1], [2, 2], [3, 3]]);
      const indices = tf.tensor1d([2, 0, 2], 'int32');
      const weights = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, indices), weights)))(table);
      return g.arraySync();
    });
    // d/dtable of Σ weights ⊙ table[indices]: row 0 ← weights[1] = [3, 4]; row 1 ← nothing;
    // row 2 ← weights[0] + weights[2] = [1 + 5, 2 + 6] = [6, 8].
    expect(grad).toEqual([[3, 4], [0, 0], [6, 8]]);
  });

  it('matches the cpu kernel on random 3-D data', async () => {
    const values = Array.from({ length: 7 * 3 * 4 }, (_, i) => Math.sin(i));
    const ids = [4, 0, 1, 4, 4, 2, 0];
    const run = () =>
      tf.tidy(() => tf.unsortedSegmentSum(tf.tensor3d(values, [7, 3, 4]), tf.tensor1d(ids, 'int32'), 5).dataSync());
    await tf.setBackend('cpu');
    const reference = run();
    await tf.setBackend('wasm');
    const actual = run();
    expect(Array.from(actual)).toEqual(Array.from(reference).map((v) => expect.closeTo(v, 5)));
  });
});
