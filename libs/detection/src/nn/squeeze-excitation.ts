import * as tf from '@tensorflow/tfjs-core';
import { Conv2d } from './conv';
import type { Scope } from './param-store';
import { globalAvgPool } from './pool';

/**
 * Squeeze-and-excitation (Hu et al. 2018) as in MBConv (EfficientNet §4): global average pool,
 * 1×1 conv to `squeezed` channels with swish, 1×1 conv back with sigmoid, channel-wise scale.
 * Variables: `reduce.{weight,bias}`, `expand.{weight,bias}`.
 */
export class SqueezeExcitation {
  readonly reduce: Conv2d;
  readonly expand: Conv2d;

  constructor(scope: Scope, channels: number, squeezed: number) {
    this.reduce = new Conv2d(scope.child('reduce'), { inChannels: channels, outChannels: squeezed, kernelSize: 1 });
    this.expand = new Conv2d(scope.child('expand'), { inChannels: squeezed, outChannels: channels, kernelSize: 1 });
  }

  /** `[B, H, W, C]` → same shape, each channel scaled by a gate in (0, 1). */
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const s = this.reduce.apply(globalAvgPool(x), 'swish');
    return tf.mul(x, tf.sigmoid(this.expand.apply(s)));
  }
}
