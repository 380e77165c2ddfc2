import * as tf from '@tensorflow/tfjs-core';
import { activate, fusableActivation, type Activation } from './activation';
import { heNormal, zeros, type Initializer } from './init';
import type { Scope } from './param-store';

/** Options of {@link SeparableConv2d}. */
export interface SeparableConv2dOptions {
  inChannels: number;
  outChannels: number;
  /** @defaultValue 3 */
  kernelSize?: number;
  /** Stride of the depthwise convolution. @defaultValue 1 */
  stride?: number;
  /** Bias on the pointwise convolution. @defaultValue true */
  bias?: boolean;
  /** Initialiser of the pointwise weights. @defaultValue He normal, fan-out */
  pointwiseInit?: Initializer;
  /** @defaultValue zeros */
  biasInit?: Initializer;
}

/**
 * Depthwise-separable convolution (MobileNet; the BiFPN and EfficientDet heads, EfficientDet §3.3):
 * a k×k depthwise convolution (one filter per channel, 'same' padding) then a 1×1 pointwise one.
 * Variables: `depthwise` `[k, k, in, 1]`, `pointwise` `[1, 1, in, out]`, `bias` `[out]`.
 */
export class SeparableConv2d {
  readonly depthwise: tf.Variable;
  readonly pointwise: tf.Variable;
  readonly bias?: tf.Variable;
  readonly stride: number;

  constructor(scope: Scope, options: SeparableConv2dOptions) {
    const k = options.kernelSize ?? 3;
    this.stride = options.stride ?? 1;
    this.depthwise = scope.param('depthwise', [k, k, options.inChannels, 1], heNormal());
    this.pointwise = scope.param(
      'pointwise',
      [1, 1, options.inChannels, options.outChannels],
      options.pointwiseInit ?? heNormal(),
    );
    if (options.bias ?? true) this.bias = scope.param('bias', [options.outChannels], options.biasInit ?? zeros);
  }

  /** `[B, H, W, in]` → `[B, ceil(H/s), ceil(W/s), out]`. */
  apply(x: tf.Tensor4D, activation: Activation = 'linear'): tf.Tensor4D {
    return this.run(x, this.pointwise as tf.Tensor4D, this.bias as tf.Tensor1D | undefined, activation);
  }

  /** act(scale ⊙ sepconv(x) + shift), folded into the pointwise filter and bias (see `Conv2d.applyAffine`). */
  applyAffine(x: tf.Tensor4D, scale: tf.Tensor1D, shift: tf.Tensor1D, activation: Activation = 'linear'): tf.Tensor4D {
    const pointwise = tf.mul(this.pointwise, scale) as tf.Tensor4D;
    const bias = this.bias ? (tf.add(tf.mul(this.bias, scale), shift) as tf.Tensor1D) : shift;
    return this.run(x, pointwise, bias, activation);
  }

  private run(x: tf.Tensor4D, pointwise: tf.Tensor4D, bias: tf.Tensor1D | undefined, activation: Activation): tf.Tensor4D {
    const d = tf.depthwiseConv2d(x, this.depthwise as tf.Tensor4D, this.stride, 'same');
    const y = tf.fused.conv2d({ x: d, filter: pointwise, strides: 1, pad: 'valid', bias, activation: fusableActivation(activation) });
    return activation === 'swish' ? activate(y, 'swish') : y;
  }
}

/** Depthwise convolution alone (MBConv's middle step). Variable: `weight` `[k, k, C, 1]`. */
export class DepthwiseConv2d {
  readonly weight: tf.Variable;

  constructor(
    scope: Scope,
    channels: number,
    kernelSize: number,
    readonly stride = 1,
  ) {
    this.weight = scope.param('weight', [kernelSize, kernelSize, channels, 1], heNormal());
  }

  /** `[B, H, W, C]` → `[B, ceil(H/s), ceil(W/s), C]`. */
  apply(x: tf.Tensor4D, activation: Activation = 'linear'): tf.Tensor4D {
    const y = tf.depthwiseConv2d(x, this.weight as tf.Tensor4D, this.stride, 'same');
    return activate(y, activation);
  }

  /** act(scale ⊙ depthwise(x) + shift): scale folds into the `[k, k, C, 1]` filter, shift is the bias. */
  applyAffine(x: tf.Tensor4D, scale: tf.Tensor1D, shift: tf.Tensor1D, activation: Activation = 'linear'): tf.Tensor4D {
    const filter = tf.mul(this.weight, tf.reshape(scale, [-1, 1])) as tf.Tensor4D;
    const y = tf.fused.depthwiseConv2d({ x, filter, strides: this.stride, pad: 'same', bias: shift, activation: fusableActivation(activation) });
    return activation === 'swish' ? activate(y, 'swish') : y;
  }
}
