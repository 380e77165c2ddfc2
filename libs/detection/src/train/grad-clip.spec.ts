import * as tf from '@tensorflow/tfjs-core';
import { clipByGlobalNorm } from './grad-clip';
import { useCpuBackend } from './testing/cpu-backend';

beforeAll(useCpuBackend);

describe('clipByGlobalNorm', () => {
  it('scales all gradients by maxNorm / ‖g‖ when the global norm exceeds it', async () => {
    // ‖g‖ = √(3² + 4² + 12²) = √169 = 13
    const g = new Map<string, tf.Tensor>([
      ['a', tf.tensor1d([3, 4])],
      ['b', tf.tensor1d([12])],
    ]);
    const out = await clipByGlobalNorm(g, 6.5);
    expect(out.norm).toBeCloseTo(13, 6);
    // factor 6.5 / 13 = 0.5
    expect(Array.from(out.grads.get('a')!.dataSync())).toEqual([expect.closeTo(1.5, 5), expect.closeTo(2, 5)]);
    expect(out.grads.get('b')!.dataSync()[0]).toBeCloseTo(6, 5);
    tf.dispose([...g.values(), ...out.grads.values()]);
  });

  it('leaves gradients below the norm unchanged', async () => {
    const g = new Map<string, tf.Tensor>([['a', tf.tensor1d([3, 4])]]);
    const out = await clipByGlobalNorm(g, 10);
    expect(out.norm).toBeCloseTo(5, 6);
    expect(Array.from(out.grads.get('a')!.dataSync())).toEqual([3, 4]);
    tf.dispose([...g.values(), ...out.grads.values()]);
  });
});
