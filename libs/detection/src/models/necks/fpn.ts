import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, convNormAct, createNorm, glorotUniform, upsampleNearest, type Norm, type NormKind, type Scope } from '../../nn';
import { BACKBONE_TOP_LEVEL } from '../backbones/backbone';
import { levelRange, spatial, type Neck } from './neck';

/** Options of {@link Fpn}. */
export interface FpnOptions {
  /** Channels of the backbone features by level (C2–C5). */
  inChannels: ReadonlyMap<number, number>;
  /** Output levels, e.g. [3, 4, 5, 6, 7] (any within 2..8). */
  levels: readonly number[];
  /** Output width. @defaultValue 256 (RetinaNet §4) */
  channels?: number;
  /** Normalisation after the lateral and output convs (none in the RetinaNet paper). @defaultValue 'none' */
  norm?: NormKind;
}

/** A conv followed by an optional norm. */
class ConvNorm {
  readonly conv: Conv2d;
  readonly norm: Norm;
  constructor(scope: Scope, inC: number, outC: number, k: number, stride: number, norm: NormKind) {
    this.conv = new Conv2d(scope, { inChannels: inC, outChannels: outC, kernelSize: k, stride, bias: norm === 'none', init: glorotUniform });
    this.norm = createNorm(norm, scope.child('norm'), outC);
  }
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return convNormAct(this.conv, this.norm, x, training);
  }
}

/**
 * Feature Pyramid Network as RetinaNet uses it (RetinaNet §3.4 and footnote 2; FPN §3):
 * P_l = output_l(lateral_l(C_l) + up×2(P'_{l+1})) on the backbone levels (1×1 lateral, nearest
 * top-down, 3×3 output), P6 = 3×3 stride-2 conv on C5, P7 = 3×3 stride-2 conv on ReLU(P6) (and P8
 * likewise on ReLU(P7) if asked). The pyramid is built over the contiguous range of the requested
 * levels; the top-down path starts at the highest requested backbone level.
 *
 * Variables: `lateral<l>`, `output<l>` (each `weight`, `bias` or `norm.*`), `p6`, `p7`, ….
 */
export class Fpn implements Neck {
  readonly levels: readonly number[];
  readonly channels: number;
  private readonly laterals = new Map<number, ConvNorm>();
  private readonly outputs = new Map<number, ConvNorm>();
  private readonly extras = new Map<number, Conv2d>();

  constructor(scope: Scope, options: FpnOptions) {
    this.levels = [...options.levels];
    this.channels = options.channels ?? 256;
    const norm = options.norm ?? 'none';
    const range = levelRange(this.levels);
    for (const l of range.filter((l) => l <= BACKBONE_TOP_LEVEL)) {
      const inC = options.inChannels.get(l);
      if (inC === undefined) throw new RangeError(`Fpn: the backbone has no level ${l}`);
      this.laterals.set(l, new ConvNorm(scope.child(`lateral${l}`), inC, this.channels, 1, 1, norm));
      this.outputs.set(l, new ConvNorm(scope.child(`output${l}`), this.channels, this.channels, 3, 1, norm));
    }
    // P6 reads C5 (RetinaNet footnote 2: "P6 … on C5 instead of P5"); each higher level reads
    // ReLU of the one below, so the chain always starts at 6 even if only P7 is asked for.
    for (let l = BACKBONE_TOP_LEVEL + 1; l <= range[range.length - 1]; l++) {
      const inC = l === BACKBONE_TOP_LEVEL + 1 ? options.inChannels.get(BACKBONE_TOP_LEVEL)! : this.channels;
      this.extras.set(
        l,
        new Conv2d(scope.child(`p${l}`), { inChannels: inC, outChannels: this.channels, kernelSize: 3, stride: 2, init: glorotUniform }),
      );
    }
  }

  apply(features: Map<number, tf.Tensor4D>, training: boolean): Map<number, tf.Tensor4D> {
    const out = new Map<number, tf.Tensor4D>();
    const backboneLevels = [...this.laterals.keys()].sort((a, b) => b - a); // top first
    let above: tf.Tensor4D | undefined;
    for (const l of backboneLevels) {
      const lateral = this.laterals.get(l)!.apply(features.get(l)!, training);
      const merged: tf.Tensor4D = above ? tf.add(lateral, upsampleNearest(above, 2, spatial(lateral))) : lateral;
      out.set(l, this.outputs.get(l)!.apply(merged, training));
      above = merged;
    }
    let below: tf.Tensor4D | undefined;
    for (const [l, conv] of [...this.extras].sort((a, b) => a[0] - b[0])) {
      const input = below === undefined ? features.get(BACKBONE_TOP_LEVEL)! : tf.relu(below);
      below = conv.apply(input);
      out.set(l, below);
    }
    return new Map(this.levels.map((l) => [l, out.get(l)!]));
  }
}
