import * as tf from '@tensorflow/tfjs-core';
import {
  EFFICIENTNET_B0_STAGES,
  EFFICIENTNET_CHANNEL_DIVISOR,
  EFFICIENTNET_SCALING,
  EFFICIENTNET_SE_RATIO,
  EFFICIENTNET_STEM_CHANNELS,
  type MBConvStage,
} from '../../config';
import { BatchNorm, Conv2d, DepthwiseConv2d, SqueezeExcitation, convNormAct, zeros, type BatchNormOptions, type Scope } from '../../nn';
import type { Backbone } from './backbone';

export type EfficientNetVariant = keyof typeof EFFICIENTNET_SCALING;

/** Batch norm of the EfficientNet reference implementation: ε = 1e-3. */
const EFFICIENTNET_BN: BatchNormOptions = { epsilon: 1e-3 };

/** Options of {@link EfficientNet}. */
export interface EfficientNetOptions {
  /** 'b0' … 'b6'. */
  variant: EfficientNetVariant;
  /** Extra multiplier on the compound width coefficient (CPU-sized nets). @defaultValue 1 */
  width?: number;
}

/**
 * Channels after compound width scaling, as the reference `round_filters`: c·w rounded to the nearest
 * multiple of 8 (at least 8), plus 8 more if rounding lost over 10 %. E.g. B2 (w = 1.1): 40 → 44 → 48.
 */
export function roundFilters(channels: number, width: number): number {
  const d = EFFICIENTNET_CHANNEL_DIVISOR;
  const scaled = channels * width;
  let rounded = Math.max(d, Math.floor((scaled + d / 2) / d) * d);
  if (rounded < 0.9 * scaled) rounded += d;
  return rounded;
}

/** Blocks after compound depth scaling: ceil(depth · repeats). E.g. B3 (d = 1.4): 3 → 5. */
export function roundRepeats(repeats: number, depth: number): number {
  return Math.ceil(depth * repeats);
}

/** The B0 stages of EfficientNet Table 1 scaled by a variant's width and depth. */
export function scaledStages(variant: EfficientNetVariant, widthMultiplier = 1): MBConvStage[] {
  const { width, depth } = EFFICIENTNET_SCALING[variant];
  return EFFICIENTNET_B0_STAGES.map((s) => ({
    ...s,
    channels: roundFilters(s.channels, width * widthMultiplier),
    repeats: roundRepeats(s.repeats, depth),
  }));
}

/**
 * MBConv (MobileNetV2's inverted bottleneck with SE, EfficientNet §4): 1×1 expand + BN + swish
 * (skipped when the ratio is 1), k×k depthwise (stride) + BN + swish, SE on the block's input
 * channels × 0.25, 1×1 project + BN, identity skip when stride 1 and widths agree.
 * (Stochastic depth / drop-connect of the reference training recipe is not used.)
 */
class MBConv {
  private readonly expand?: { conv: Conv2d; bn: BatchNorm };
  private readonly depthwise: DepthwiseConv2d;
  private readonly dwBn: BatchNorm;
  private readonly se: SqueezeExcitation;
  private readonly project: Conv2d;
  private readonly projectBn: BatchNorm;
  private readonly residual: boolean;

  constructor(scope: Scope, inC: number, outC: number, stage: MBConvStage, stride: number) {
    const mid = inC * stage.expandRatio;
    if (stage.expandRatio !== 1) {
      this.expand = {
        conv: new Conv2d(scope.child('expand_conv'), { inChannels: inC, outChannels: mid, kernelSize: 1, bias: false }),
        bn: new BatchNorm(scope.child('expand_bn'), mid, EFFICIENTNET_BN),
      };
    }
    this.depthwise = new DepthwiseConv2d(scope.child('depthwise_conv'), mid, stage.kernelSize, stride);
    this.dwBn = new BatchNorm(scope.child('depthwise_bn'), mid, EFFICIENTNET_BN);
    this.se = new SqueezeExcitation(scope.child('se'), mid, Math.max(1, Math.floor(inC * EFFICIENTNET_SE_RATIO)));
    this.project = new Conv2d(scope.child('project_conv'), { inChannels: mid, outChannels: outC, kernelSize: 1, bias: false });
    this.residual = stride === 1 && inC === outC;
    // Zero γ on the projection BN of residual blocks: each starts as the identity (as ResNet here).
    this.projectBn = new BatchNorm(scope.child('project_bn'), outC, {
      ...EFFICIENTNET_BN,
      ...(this.residual ? { gammaInit: zeros } : {}),
    });
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    let h = x;
    if (this.expand) h = convNormAct(this.expand.conv, this.expand.bn, h, training, 'swish');
    h = convNormAct(this.depthwise, this.dwBn, h, training, 'swish');
    h = this.se.apply(h);
    h = convNormAct(this.project, this.projectBn, h, training);
    return this.residual ? tf.add(h, x) : h;
  }
}

/**
 * EfficientNet B0–B6 from scratch, NHWC (Tan & Le 2019): a 3×3 stride-2 stem then the 7 MBConv
 * stages of Table 1, compound-scaled in width and depth (EFFICIENTNET_SCALING); the 1×1 head conv
 * and classifier are omitted (detection uses the stage outputs). The input resolution is the
 * detector's (DetectorConfig), not the classification one.
 *
 * Returns level l ↦ the output of the last stage at stride 2^l, l = 1..5: for B0 the channels are
 * 16, 24, 40, 112, 320 (stages 1, 2, 3, 5, 7). Variables: `stem_conv`, `stem_bn`,
 * `blocks.<i>.{expand_conv,expand_bn,depthwise_conv,depthwise_bn,se.reduce,se.expand,project_conv,project_bn}`.
 */
export class EfficientNet implements Backbone {
  readonly name: string;
  readonly levels = [1, 2, 3, 4, 5] as const;
  readonly channels = new Map<number, number>();
  /** The scaled stages (channels, repeats), for inspection and tests. */
  readonly stages: MBConvStage[];
  private readonly stemConv: Conv2d;
  private readonly stemBn: BatchNorm;
  private readonly blocks: Array<{ block: MBConv; level: number }> = [];

  constructor(scope: Scope, options: EfficientNetOptions) {
    const w = EFFICIENTNET_SCALING[options.variant].width * (options.width ?? 1);
    this.name = `efficientnet-${options.variant}`;
    this.stages = scaledStages(options.variant, options.width ?? 1);
    const stemC = roundFilters(EFFICIENTNET_STEM_CHANNELS, w);
    this.stemConv = new Conv2d(scope.child('stem_conv'), { inChannels: 3, outChannels: stemC, kernelSize: 3, stride: 2, bias: false });
    this.stemBn = new BatchNorm(scope.child('stem_bn'), stemC, EFFICIENTNET_BN);
    let inC = stemC;
    let level = 1;
    let index = 0;
    for (const stage of this.stages) {
      for (let j = 0; j < stage.repeats; j++) {
        const stride = j === 0 ? stage.stride : 1;
        if (stride === 2) level++;
        this.blocks.push({ block: new MBConv(scope.child('blocks').child(index++), inC, stage.channels, stage, stride), level });
        inC = stage.channels;
      }
      this.channels.set(level, stage.channels);
    }
  }

  /** Number of MBConv blocks (16 for B0). */
  get numBlocks(): number {
    return this.blocks.length;
  }

  apply(images: tf.Tensor4D, training: boolean): Map<number, tf.Tensor4D> {
    let x = convNormAct(this.stemConv, this.stemBn, images, training, 'swish');
    const out = new Map<number, tf.Tensor4D>();
    for (const { block, level } of this.blocks) {
      x = block.apply(x, training);
      out.set(level, x); // the last block at each stride wins
    }
    return out;
  }
}
