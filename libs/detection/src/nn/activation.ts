import * as tf from '@tensorflow/tfjs-core';

/** Activations the models use. 'swish' is x·σ(x) (EfficientNet §4, Ramachandran et al. 2017). */
export type Activation = 'linear' | 'relu' | 'swish';

/** Applies `activation` elementwise; `linear` returns `x` itself. */
export function activate<T extends tf.Tensor>(x: T, activation: Activation): T {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'swish':
      return tf.mul(x, tf.sigmoid(x));
  }
}

/** The activation that `tf.fused.conv2d` can fold into the convolution, or 'linear' if it cannot (swish). */
export function fusableActivation(activation: Activation): 'linear' | 'relu' {
  return activation === 'relu' ? 'relu' : 'linear';
}
