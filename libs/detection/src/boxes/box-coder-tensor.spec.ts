import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { BoxCoder } from './box-coder';
import { decodeBoxesTensor } from './box-coder-tensor';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('decodeBoxesTensor', () => {
  it('agrees with BoxCoder.decode, broadcasts anchors over a batch, and leaks nothing', () => {
    const anchors = Float32Array.from([0, 0, 10, 10, -3, 4, 5, 20, 50, 50, 70, 90]);
    const deltas = Float32Array.from([0.7, 0.4, Math.LN2, 0, -0.2, 0.1, 0.3, -0.5, 0, 0, 50, -1]);
    const weights = [10, 10, 5, 5];
    const expected = new BoxCoder({ weights }).decode(deltas, anchors);
    const a = tf.tensor2d(anchors, [3, 4]);
    const d = tf.tensor3d(Array.from(deltas).concat(Array.from(deltas)), [2, 3, 4]);
    const before = tf.memory().numTensors;
    const out = decodeBoxesTensor(d, a, { weights });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(out.shape).toEqual([2, 3, 4]);
    const values = out.dataSync();
    for (let k = 0; k < 24; k++) expect(values[k]).toBeCloseTo(expected[k % 12], 3);
    tf.dispose([a, d, out]);
  });
});
