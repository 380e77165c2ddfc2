import * as tf from '@tensorflow/tfjs-core';
import { batchNormTraining } from '../batch-norm-training';
import { swish } from '../activation';

/**
 * A tiny conv net touching every gradient kernel of ./wasm-kernels, for the engine's training and
 * memory tests: conv 3×3/1 (3→8, bias, ReLU: the relu gradient and the bias's channel sums) →
 * conv 3×3/1 (8→8, ReLU: its input gradient gathered, on a map of ≥ 16×16) → max pool 3×3/2 (the
 * SIMD MaxPoolGrad) → conv 3×3/2 'same' (8→8) → training-mode batch norm and swish (the fused
 * kernels of ../ops on wasm) → depthwise 5×5/1 → conv 1×1/1 (8→4) → gather of a few output pixels
 * (UnsortedSegmentSum in the backward pass). Images of [2, 20, 22, 3] give a [2, 5, 6, 4] output.
 * Weights are deterministic, so two backends start from the same point.
 */
export interface TinyConvNet {
  variables: tf.Variable[];
  /** Mean squared error against `target` at the gathered positions. */
  loss(images: tf.Tensor4D, target: tf.Tensor): tf.Scalar;
  dispose(): void;
}

/** Deterministic values in [−scale, scale) (an LCG, so that cpu and wasm see identical numbers). */
export function lcgValues(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

function param(shape: number[], seed: number, fanIn: number): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  // Uniform with variance 1/fanIn: a = √(3/fanIn), so activations keep their scale.
  return tf.variable(tf.tensor(lcgValues(n, seed, Math.sqrt(3 / fanIn)), shape));
}

/** Builds the net on the current backend. `picks` are flat pixel indices of the 1×1 conv output. */
export function tinyConvNet(picks: number[]): TinyConvNet {
  const w1 = param([3, 3, 3, 8], 11, 27);
  const b1 = tf.variable(tf.zeros([8]));
  const w1b = param([3, 3, 8, 8], 17, 72);
  const w2 = param([3, 3, 8, 8], 12, 72);
  const w3 = param([5, 5, 8, 1], 13, 25);
  const w4 = param([1, 1, 8, 4], 14, 8);
  const gamma = tf.variable(tf.tensor1d(lcgValues(8, 15, 0.5)).add(1));
  const beta = tf.variable(tf.tensor1d(lcgValues(8, 16, 0.5)));
  const indices = tf.tensor1d(picks, 'int32');
  const variables = [w1, b1, w1b, w2, w3, w4, gamma, beta];
  return {
    variables,
    loss: (images, target) =>
      tf.tidy(() => {
        const h1 = tf.relu(tf.add<tf.Tensor4D>(tf.conv2d(images, w1 as tf.Tensor4D, 1, 'same'), b1));
        const pooled = tf.maxPool(tf.relu(tf.conv2d(h1, w1b as tf.Tensor4D, 1, 'same')), 3, 2, 'same');
        const normalised = batchNormTraining(tf.conv2d(pooled, w2 as tf.Tensor4D, 2, 'same'), gamma as tf.Tensor1D, beta as tf.Tensor1D, 1e-3);
        tf.dispose([normalised.mean, normalised.variance]); // kept outside the tidy by batchNormTraining; unused here
        const h2 = swish(normalised.y);
        const h3 = tf.depthwiseConv2d(h2, w3 as tf.Tensor4D, 1, 'same');
        const h4 = tf.conv2d(h3, w4 as tf.Tensor4D, 1, 'valid');
        const picked = tf.gather(tf.reshape(h4, [-1, 4]), indices);
        return tf.mean(tf.square(tf.sub(picked, target)));
      }),
    dispose: () => tf.dispose([...variables, indices]),
  };
}
