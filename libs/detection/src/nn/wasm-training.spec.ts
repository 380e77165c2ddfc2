import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@ablate/engine';
import { lcgValues, tinyConvNet } from './testing/tiny-conv-net';

const STEPS = 12;
// Images [2, 20, 22, 3]: pooled to 10×11, an odd width, so the stride-2 'same' conv pads unevenly (out 5×6).
const IMAGE_SHAPE: [number, number, number, number] = [2, 20, 22, 3];
// Flat pixel indices into the [2·5·6 = 60, 4] output; 7 twice, so its gradient is a sum of two.
const PICKS = [0, 7, 7, 19, 33, 59];

/** Trains the tiny net for STEPS Adam steps on `backend`; returns the loss before each step. */
async function train(backend: 'cpu' | 'wasm'): Promise<number[]> {
  await tf.setBackend(backend);
  const net = tinyConvNet(PICKS);
  const images = tf.tensor4d(lcgValues(2 * 20 * 22 * 3, 5), IMAGE_SHAPE);
  const target = tf.tensor2d(lcgValues(PICKS.length * 4, 6), [PICKS.length, 4]);
  const optimizer = tf.train.adam(0.01);
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const loss = optimizer.minimize(() => net.loss(images, target), true, net.variables) as tf.Scalar;
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
  }
  optimizer.dispose();
  net.dispose();
  tf.dispose([images, target]);
  return losses;
}

describe('training on wasm', () => {
  it('follows the cpu backend step for step (same losses within 1e-4 relative)', async () => {
    await initBackend('wasm', { log: () => undefined });
    const cpu = await train('cpu');
    const wasm = await train('wasm');
    // The net learns at all: 12 Adam steps at lr 0.01 cut the loss by more than 10 %.
    expect(cpu[STEPS - 1]!).toBeLessThan(0.9 * cpu[0]!);
    for (let step = 0; step < STEPS; step++) {
      expect(Math.abs(wasm[step]! - cpu[step]!) / cpu[step]!).toBeLessThan(1e-4);
    }
  });
});
