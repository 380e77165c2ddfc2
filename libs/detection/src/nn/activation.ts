import * as tf from '@tensorflow/tfjs-core';
import { swishGradient } from '@ablate/engine';

/** Activations the models use. 'swish' is x·σ(x) (EfficientNet §4, Ramachandran et al. 2017). */
export type Activation = 'linear' | 'relu' | 'swish';

/**
 * swish(x) = x·σ(x) with a hand-written gradient σ·(1 + x·(1 − σ)): five elementwise passes
 * backward where tfjs's autodiff of mul and sigmoid takes more (×1.1 forward + backward on wasm,
 * docs/notes/benchmarks-history.md, "Models").
 */
const swishOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const s = tf.sigmoid(x);
  save([x, s]);
  return {
    value: tf.mul(x, s),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, ss] = saved as [tf.Tensor, tf.Tensor];
      return [swishGradient(dy, sx, ss)];
    },
  };
});

/** x·σ(x), elementwise. */
export function swish<T extends tf.Tensor>(x: T): T {
  return swishOp(x) as T;
}

/** Applies `activation` elementwise; `linear` returns `x` itself. */
export function activate<T extends tf.Tensor>(x: T, activation: Activation): T {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'swish':
      return swish(x);
  }
}

/** The activation that `tf.fused.conv2d` can fold into the convolution, or 'linear' if it cannot (swish). */
export function fusableActivation(activation: Activation): 'linear' | 'relu' {
  return activation === 'relu' ? 'relu' : 'linear';
}
