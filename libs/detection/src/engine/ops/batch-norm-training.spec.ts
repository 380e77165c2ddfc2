import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../init-backend';
import { lcgValues } from '../testing/tiny-conv-net';
import { batchNormTraining } from './batch-norm-training';

const SHAPE: [number, number, number, number] = [3, 5, 4, 6];
const EPSILON = 1e-3;

/** max |a − b| / max |b|. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/** y, dx, dγ, dβ for the loss Σ y·w (a fixed random w, so that dy is not constant). */
function valueAndGrads(bn: (x: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor4D): Float32Array[] {
  return tf.tidy(() => {
    // Offset and scaled per channel, as activations are, so that the centring matters.
    const x = tf.add(tf.mul(tf.tensor4d(lcgValues(360, 1), SHAPE), 3), 0.5) as tf.Tensor4D;
    const gamma = tf.tensor1d(lcgValues(6, 2, 2));
    const beta = tf.tensor1d(lcgValues(6, 3));
    const w = tf.tensor4d(lcgValues(360, 4), SHAPE);
    const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(bn(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D), w));
    const { grads } = tf.valueAndGrads(f)([x, gamma, beta]);
    const y = bn(x, gamma, beta);
    return [y, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

describe('batchNormTraining', () => {
  it('gives the values and gradients of moments + batchNorm4d under autodiff', async () => {
    await initBackend('cpu', { log: () => undefined });
    const reference = valueAndGrads((x, g, b) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, b, g, EPSILON);
    });
    const closedForm = valueAndGrads((x, g, b) => batchNormTraining(x, g, b, EPSILON));
    ['y', 'dx', 'dγ', 'dβ'].forEach((name, i) => {
      expect(relativeError(closedForm[i]!, reference[i]!), name).toBeLessThan(1e-4);
    });
  });

  it('leaves no tensors behind', async () => {
    await initBackend('cpu', { log: () => undefined });
    const x = tf.ones([2, 3, 3, 4]) as tf.Tensor4D;
    const g = tf.ones([4]) as tf.Tensor1D;
    const b = tf.zeros([4]) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const grads = tf.grads((a: tf.Tensor) => tf.sum(batchNormTraining(a as tf.Tensor4D, g, b, EPSILON)))([x]);
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g, b]);
  });
});
