import * as tf from '@tensorflow/tfjs-core';
import {
  RESNET_BOTTLENECK_EXPANSION,
  RESNET_LAYOUTS,
  RESNET_STAGE_WIDTHS,
  RESNET_STEM_CHANNELS,
} from '../../config';
import { BatchNorm, Conv2d, convNormAct, maxPool, zeros, type Activation, type Scope } from '../../nn';
import type { Backbone } from './backbone';

export type ResNetDepth = keyof typeof RESNET_LAYOUTS;

/** Options of {@link ResNet}. */
export interface ResNetOptions {
  /** 'resnet18' | 'resnet34' | 'resnet50' (ResNet Table 1). */
  depth: ResNetDepth;
  /** Multiplier on every width (64·w stem, 64·2^i·w stages), rounded to multiples of 8, at least 8. @defaultValue 1 */
  width?: number;
}

/** `c · width` rounded to the nearest multiple of 8, at least 8 (channel counts the kernels handle well). */
export function scaleWidth(channels: number, width: number): number {
  return Math.max(8, Math.round((channels * width) / 8) * 8);
}

/** conv (no bias) then batch norm, named `<conv>` and `<bn>` as torchvision does. */
class ConvBn {
  readonly conv: Conv2d;
  readonly bn: BatchNorm;
  constructor(scope: Scope, convName: string, bnName: string, inC: number, outC: number, k: number, stride: number, zeroGamma = false) {
    this.conv = new Conv2d(scope.child(convName), { inChannels: inC, outChannels: outC, kernelSize: k, stride, bias: false });
    this.bn = new BatchNorm(scope.child(bnName), outC, zeroGamma ? { gammaInit: zeros } : {});
  }
  apply(x: tf.Tensor4D, training: boolean, activation: Activation = 'linear'): tf.Tensor4D {
    return convNormAct(this.conv, this.bn, x, training, activation);
  }
}

/** A residual block: `apply` is relu(branch(x) + shortcut(x)). */
interface Block {
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D;
}

/**
 * Basic block (ResNet Fig. 5 left): 3×3 → 3×3, projection shortcut (1×1 conv + BN, `downsample.0/1`)
 * when the stride or width changes. The last BN's γ starts at 0 so each block starts as the identity
 * (Goyal et al. 2017, "Accurate, Large Minibatch SGD", §5.1), which steadies training from scratch.
 */
class BasicBlock implements Block {
  private readonly a: ConvBn;
  private readonly b: ConvBn;
  private readonly shortcut?: ConvBn;
  constructor(scope: Scope, inC: number, width: number, stride: number) {
    this.a = new ConvBn(scope, 'conv1', 'bn1', inC, width, 3, stride);
    this.b = new ConvBn(scope, 'conv2', 'bn2', width, width, 3, 1, true);
    if (stride !== 1 || inC !== width) this.shortcut = new ConvBn(scope.child('downsample'), '0', '1', inC, width, 1, stride);
  }
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const y = this.b.apply(this.a.apply(x, training, 'relu'), training);
    return tf.relu(tf.add(y, this.shortcut ? this.shortcut.apply(x, training) : x)) as tf.Tensor4D;
  }
}

/**
 * Bottleneck block (ResNet Fig. 5 right): 1×1 reduce → 3×3 (carrying the stride, as torchvision's
 * "ResNet v1.5") → 1×1 expand ×4, projection shortcut when the shape changes; zero-γ last BN.
 */
class Bottleneck implements Block {
  private readonly a: ConvBn;
  private readonly b: ConvBn;
  private readonly c: ConvBn;
  private readonly shortcut?: ConvBn;
  constructor(scope: Scope, inC: number, width: number, stride: number) {
    const outC = width * RESNET_BOTTLENECK_EXPANSION;
    this.a = new ConvBn(scope, 'conv1', 'bn1', inC, width, 1, 1);
    this.b = new ConvBn(scope, 'conv2', 'bn2', width, width, 3, stride);
    this.c = new ConvBn(scope, 'conv3', 'bn3', width, outC, 1, 1, true);
    if (stride !== 1 || inC !== outC) this.shortcut = new ConvBn(scope.child('downsample'), '0', '1', inC, outC, 1, stride);
  }
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const y = this.c.apply(this.b.apply(this.a.apply(x, training, 'relu'), training, 'relu'), training);
    return tf.relu(tf.add(y, this.shortcut ? this.shortcut.apply(x, training) : x)) as tf.Tensor4D;
  }
}

/**
 * ResNet-18/34/50 (He et al. 2016, Table 1) from scratch, NHWC, with a width multiplier.
 * Returns C2–C5 (strides 4, 8, 16, 32). Variable names follow torchvision
 * (`conv1.weight`, `bn1.running_mean`, `layer2.0.conv1.weight`, `layer2.0.downsample.0.weight`)
 * under the scope given (`backbone.` in a detector); kernels are `[kh, kw, in, out]`.
 */
export class ResNet implements Backbone {
  readonly name: string;
  readonly levels = [2, 3, 4, 5] as const;
  readonly channels = new Map<number, number>();
  private readonly stem: ConvBn;
  private readonly stages: Block[][] = [];

  constructor(scope: Scope, options: ResNetOptions) {
    const layout = RESNET_LAYOUTS[options.depth];
    const w = options.width ?? 1;
    this.name = options.depth;
    const stemC = scaleWidth(RESNET_STEM_CHANNELS, w);
    this.stem = new ConvBn(scope, 'conv1', 'bn1', 3, stemC, 7, 2);
    let inC = stemC;
    layout.blocks.forEach((n, i) => {
      const width = scaleWidth(RESNET_STAGE_WIDTHS[i], w);
      const stage: Block[] = [];
      for (let j = 0; j < n; j++) {
        const s = scope.child(`layer${i + 1}`).child(j);
        const stride = j === 0 && i > 0 ? 2 : 1;
        const block = layout.block === 'basic' ? new BasicBlock(s, inC, width, stride) : new Bottleneck(s, inC, width, stride);
        stage.push(block);
        inC = layout.block === 'basic' ? width : width * RESNET_BOTTLENECK_EXPANSION;
      }
      this.stages.push(stage);
      this.channels.set(i + 2, inC);
    });
  }

  apply(images: tf.Tensor4D, training: boolean): Map<number, tf.Tensor4D> {
    let x = maxPool(this.stem.apply(images, training, 'relu'), 3, 2);
    const out = new Map<number, tf.Tensor4D>();
    this.stages.forEach((stage, i) => {
      for (const block of stage) x = block.apply(x, training);
      out.set(i + 2, x);
    });
    return out;
  }
}
