import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@ablate/engine';
import { lcgValues, tinyConvNet } from './testing/tiny-conv-net';

const STEPS = 1000;
const WARMUP = 50;
/**
 * Allowed RSS growth from step WARMUP to the end. Generous: the wasm heap grows in 64 KiB pages
 * and the allocator is free to keep them, but a leak of one gradient-sized buffer per step
 * (≥ 2·5·6·8·4 B ≈ 1.9 KB for the smallest, far more for packed XNNPACK operators of the backward
 * convolutions) over 950 steps would not fit in steady state below this: growth must be bounded.
 */
const RSS_GROWTH_LIMIT = 48 * 2 ** 20;

describe('a 1,000-step training loop on wasm', () => {
  it('does not grow the tensor count, the backend bytes or the resident memory past its first steps', async () => {
    await initBackend('wasm', { log: () => undefined });
    const net = tinyConvNet([0, 7, 7, 19, 33, 59]);
    const images = tf.tensor4d(lcgValues(2 * 20 * 22 * 3, 5), [2, 20, 22, 3]);
    const target = tf.tensor2d(lcgValues(6 * 4, 6), [6, 4]);
    const optimizer = tf.train.adam(0.001);
    let warm = { numTensors: 0, numBytes: 0, rss: 0 };
    for (let step = 1; step <= STEPS; step++) {
      const loss = optimizer.minimize(() => net.loss(images, target), true, net.variables) as tf.Scalar;
      loss.dataSync();
      loss.dispose();
      if (step === WARMUP) warm = { ...tf.memory(), rss: process.memoryUsage().rss };
    }
    const end = { ...tf.memory(), rss: process.memoryUsage().rss };
    expect(end.numTensors).toBe(warm.numTensors);
    expect(end.numBytes).toBe(warm.numBytes);
    expect(end.rss - warm.rss).toBeLessThan(RSS_GROWTH_LIMIT);
    optimizer.dispose();
    net.dispose();
    tf.dispose([images, target]);
  });
});
