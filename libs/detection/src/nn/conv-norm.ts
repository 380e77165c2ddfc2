import * as tf from '@tensorflow/tfjs-core';
import { activate, type Activation } from './activation';
import { BatchNorm, type Norm } from './norm';

/** A convolution that can absorb a per-channel affine transform of its output. */
export interface AffineFoldable {
  apply(x: tf.Tensor4D, activation?: Activation): tf.Tensor4D;
  applyAffine(x: tf.Tensor4D, scale: tf.Tensor1D, shift: tf.Tensor1D, activation?: Activation): tf.Tensor4D;
}

/**
 * act(norm(conv(x))). In inference a batch norm is an affine map per channel, so it is folded into
 * the convolution's filter and bias and the whole runs as one fused kernel (bias and ReLU inside);
 * on wasm that saves the separate BatchNorm pass: ×1.3–1.7 on MBConv's expansion and depthwise
 * layers, nothing measurable on a 3×3 ResNet conv (docs/notes/benchmarks-history.md, "Models"). In training, and for group norm or none, the layers run one
 * after the other.
 */
export function convNormAct(conv: AffineFoldable, norm: Norm, x: tf.Tensor4D, training: boolean, activation: Activation = 'linear'): tf.Tensor4D {
  if (!training && norm instanceof BatchNorm) {
    return tf.tidy(() => {
      const { scale, shift } = norm.foldedAffine();
      return conv.applyAffine(x, scale, shift, activation);
    });
  }
  return activate(norm.apply(conv.apply(x), training), activation);
}
