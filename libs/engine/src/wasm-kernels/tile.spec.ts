import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../init-backend';

beforeAll(async () => {
  await initBackend('wasm', { log: () => undefined });
});

describe('Tile on wasm (broadcast version)', () => {
  it('repeats along every axis like the cpu kernel, for float, int and bool', async () => {
    const cases: Array<[tf.DataType, number[], number[]]> = [
      ['float32', [1, 1, 1, 3], [2, 3, 2, 1]], // the batch-norm gradient's per-channel tile
      ['float32', [2, 3], [2, 3]], // both axes repeated and larger than 1
      ['int32', [3, 1, 2], [1, 4, 2]],
      ['bool', [2, 2], [2, 1]], // falls back to the backend's own kernel
    ];
    for (const [dtype, shape, reps] of cases) {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 3 === 0 : i * 7 - 5));
      const run = () => tf.tidy(() => Array.from(tf.tile(tf.tensor(values as number[], shape, dtype), reps).dataSync()));
      await tf.setBackend('cpu');
      const reference = run();
      await tf.setBackend('wasm');
      expect(run()).toEqual(reference);
    }
  });
});
