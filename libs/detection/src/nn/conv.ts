import * as tf from '@tensorflow/tfjs-core';
import { activate, fusableActivation, type Activation } from './activation';
import { heNormal, zeros, type Initializer } from './init';
import type { Scope } from './param-store';

/** Options of {@link Conv2d}. */
export interface Conv2dOptions {
  inChannels: number;
  outChannels: number;
  /** Square kernel side. @defaultValue 3 */
  kernelSize?: number;
  /** @defaultValue 1 */
  stride?: number;
  /** Dilation rate (tfjs cannot combine dilation > 1 with stride > 1). @defaultValue 1 */
  dilation?: number;
  /** Add a bias (off when a normalisation follows). @defaultValue true */
  bias?: boolean;
  /** @defaultValue He normal, fan-out */
  init?: Initializer;
  /** @defaultValue zeros */
  biasInit?: Initializer;
}

/**
 * 2-D convolution, NHWC, 'same' padding: output side = ceil(input side / stride), padding the
 * extra row/column at the bottom/right as TensorFlow does.
 * Variables: `weight` `[k, k, in, out]`, `bias` `[out]`.
 */
export class Conv2d {
  readonly weight: tf.Variable;
  readonly bias?: tf.Variable;
  readonly stride: number;
  readonly dilation: number;

  constructor(
    scope: Scope,
    readonly options: Conv2dOptions,
  ) {
    const k = options.kernelSize ?? 3;
    this.stride = options.stride ?? 1;
    this.dilation = options.dilation ?? 1;
    if (this.stride > 1 && this.dilation > 1) {
      throw new RangeError(`Conv2d ${scope.path}: stride ${this.stride} with dilation ${this.dilation} is unsupported`);
    }
    this.weight = scope.param('weight', [k, k, options.inChannels, options.outChannels], options.init ?? heNormal());
    if (options.bias ?? true) this.bias = scope.param('bias', [options.outChannels], options.biasInit ?? zeros);
  }

  /**
   * `[B, H, W, in]` → `[B, ceil(H/s), ceil(W/s), out]`. Uses `tf.fused.conv2d` (bias and ReLU in the
   * kernel at inference; tfjs unfuses it under a gradient tape by itself).
   */
  apply(x: tf.Tensor4D, activation: Activation = 'linear'): tf.Tensor4D {
    return this.run(x, this.weight as tf.Tensor4D, this.bias as tf.Tensor1D | undefined, activation);
  }

  /**
   * act(scale ⊙ conv(x) + shift) per output channel, with scale and shift folded into the filter and
   * bias so that one fused kernel does it all: how an inference-mode batch norm after this conv
   * costs nothing (see {@link convNormAct}). `scale`, `shift`: `[out]`.
   */
  applyAffine(x: tf.Tensor4D, scale: tf.Tensor1D, shift: tf.Tensor1D, activation: Activation = 'linear'): tf.Tensor4D {
    const filter = tf.mul(this.weight, scale) as tf.Tensor4D;
    const bias = this.bias ? (tf.add(tf.mul(this.bias, scale), shift) as tf.Tensor1D) : shift;
    return this.run(x, filter, bias, activation);
  }

  private run(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D | undefined, activation: Activation): tf.Tensor4D {
    // Nothing to fuse (a conv before a training-mode norm): the plain op. Under a gradient tape the fused op's
    // gradient computes the input's gradient whether or not anything needs it: a stem's [8, 128, 128, 3] image.
    if (bias === undefined && activation === 'linear') return tf.conv2d(x, filter, this.stride, 'same', 'NHWC', this.dilation);
    const y = tf.fused.conv2d({
      x,
      filter,
      strides: this.stride,
      pad: 'same',
      dilations: this.dilation,
      bias,
      activation: fusableActivation(activation),
    });
    return activation === 'swish' ? activate(y, 'swish') : y;
  }
}
