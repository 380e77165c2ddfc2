import * as tf from '@tensorflow/tfjs-core';
import {
  Conv2d,
  SeparableConv2d,
  activate,
  convNormAct,
  createNorm,
  maxPool,
  upsampleNearest,
  type Norm,
  type NormKind,
  type Scope,
} from '../../nn';
import { BACKBONE_TOP_LEVEL } from '../backbones/backbone';
import { WeightedFusion, type FusionKind } from './fusion';
import { levelRange, spatial, type Neck } from './neck';

/** Options of {@link BiFpn}. */
export interface BiFpnOptions {
  /** Channels of the backbone features by level. */
  inChannels: ReadonlyMap<number, number>;
  /** Output levels (P3–P7 in EfficientDet). */
  levels: readonly number[];
  /** W_bifpn (EfficientDet Table 1). */
  channels: number;
  /** D_bifpn: number of BiFPN layers (EfficientDet Table 1). */
  layers: number;
  /** @defaultValue 'fast' */
  fusion?: FusionKind;
  /** @defaultValue 'batch' */
  norm?: NormKind;
}

/** Batch norm as the EfficientDet reference: ε = 1e-3. */
const BN = { epsilon: 1e-3 };

/**
 * Brings one input of a node to W channels (1×1 conv + norm, only when its width differs, as the
 * reference `ResampleFeatureMap`) and to the node's level: max-pool 3×3 stride 2 down ("downsampling
 * by max-pooling"), nearest ×2 up ("upsampling by repeating rows and columns"), EfficientDet §3.
 */
class Resample {
  private readonly conv?: Conv2d;
  private readonly norm?: Norm;
  constructor(scope: Scope, inC: number, outC: number, norm: NormKind) {
    if (inC !== outC) {
      this.conv = new Conv2d(scope.child('conv'), { inChannels: inC, outChannels: outC, kernelSize: 1, bias: norm === 'none' });
      this.norm = createNorm(norm, scope.child('norm'), outC, BN);
    }
  }
  /** `delta` = target level − source level (−1, 0 or +1); `size` the target's H, W. */
  apply(x: tf.Tensor4D, delta: number, size: [number, number], training: boolean): tf.Tensor4D {
    let y = this.conv ? convNormAct(this.conv, this.norm!, x, training) : x;
    if (delta > 0) y = maxPool(y, 3, 2);
    if (delta < 0) y = upsampleNearest(y, 2, size);
    return y;
  }
}

/** One input of a fusion node: which feature, from which level, with how many channels. */
interface NodeInput {
  key: string;
  level: number;
  channels: number;
}

/** A BiFPN node: resample inputs, weighted fusion, swish, separable 3×3 conv, norm (reference order). */
class FusionNode {
  private readonly resamples: Resample[];
  private readonly fusion: WeightedFusion;
  private readonly conv: SeparableConv2d;
  private readonly norm: Norm;
  constructor(
    scope: Scope,
    readonly level: number,
    readonly inputs: NodeInput[],
    channels: number,
    fusion: FusionKind,
    norm: NormKind,
  ) {
    this.resamples = inputs.map((inp, i) => new Resample(scope.child(`resample${i}`), inp.channels, channels, norm));
    this.fusion = new WeightedFusion(scope.child('fusion'), inputs.length, fusion);
    this.conv = new SeparableConv2d(scope.child('conv'), { inChannels: channels, outChannels: channels, bias: norm === 'none' });
    this.norm = createNorm(norm, scope.child('norm'), channels, BN);
  }
  apply(features: Map<string, tf.Tensor4D>, size: [number, number], training: boolean): tf.Tensor4D {
    const xs = this.inputs.map((inp, i) => this.resamples[i].apply(features.get(inp.key)!, this.level - inp.level, size, training));
    return convNormAct(this.conv, this.norm, activate(this.fusion.apply(xs), 'swish'), training);
  }
}

/**
 * One BiFPN layer (EfficientDet §3, Fig. 2d) over levels lo..hi: a top-down pass
 * P_l^td = node(P_l^in, up(P_{l+1}^td)) for l = hi−1 … lo, then a bottom-up pass
 * P_l^out = node(P_l^in, P_l^td, down(P_{l−1}^out)) for l = lo+1 … hi (P_hi^out without td,
 * P_lo^out = P_lo^td). Variables: `td<l>.*`, `out<l>.*`.
 */
export class BiFpnLayer {
  private readonly nodes: Array<{ key: string; node: FusionNode }> = [];
  constructor(scope: Scope, levels: number[], inChannels: Map<number, number>, channels: number, fusion: FusionKind, norm: NormKind) {
    const lo = levels[0];
    const hi = levels[levels.length - 1];
    const input = (l: number): NodeInput => ({ key: `in${l}`, level: l, channels: inChannels.get(l)! });
    const made = (key: string, l: number): NodeInput => ({ key, level: l, channels });
    const add = (key: string, l: number, inputs: NodeInput[]) =>
      this.nodes.push({ key, node: new FusionNode(scope.child(key), l, inputs, channels, fusion, norm) });
    if (lo === hi) {
      add(`out${lo}`, lo, [input(lo)]);
      return;
    }
    for (let l = hi - 1; l >= lo; l--) add(l === lo ? `out${l}` : `td${l}`, l, [input(l), l === hi - 1 ? input(hi) : made(`td${l + 1}`, l + 1)]);
    for (let l = lo + 1; l <= hi; l++) {
      const inputs = [input(l)];
      if (l < hi) inputs.push(made(`td${l}`, l));
      inputs.push(made(`out${l - 1}`, l - 1));
      add(`out${l}`, l, inputs);
    }
  }

  /** Number of fusion nodes (8 for P3–P7). */
  get numNodes(): number {
    return this.nodes.length;
  }

  apply(inputs: Map<number, tf.Tensor4D>, training: boolean): Map<number, tf.Tensor4D> {
    const features = new Map<string, tf.Tensor4D>();
    for (const [l, x] of inputs) features.set(`in${l}`, x);
    for (const { key, node } of this.nodes) features.set(key, node.apply(features, spatial(inputs.get(node.level)!), training));
    return new Map([...inputs.keys()].map((l) => [l, features.get(`out${l}`)!]));
  }
}

/**
 * BiFPN (EfficientDet §3): D_bifpn layers at W_bifpn channels over the contiguous range of the
 * requested levels. Levels above C5 come from C5 as the reference implementation makes them:
 * P6 = maxpool₃ₓ₃,s2(norm(conv1×1(C5))) (the 1×1 conv only when C5's width ≠ W), P7 = maxpool(P6).
 * The first layer's nodes bring backbone features to W with their own 1×1 conv + norm.
 *
 * Variables: `p6.*`, `cells.<i>.{td<l>,out<l>}.{resample<k>,fusion,conv,norm}.*`.
 */
export class BiFpn implements Neck {
  readonly levels: readonly number[];
  readonly channels: number;
  readonly layers: BiFpnLayer[] = [];
  private readonly extra?: Resample;

  constructor(scope: Scope, options: BiFpnOptions) {
    this.levels = [...options.levels];
    this.channels = options.channels;
    const norm = options.norm ?? 'batch';
    const range = levelRange(this.levels);
    const widths = new Map<number, number>();
    for (const l of range) {
      const c = l <= BACKBONE_TOP_LEVEL ? options.inChannels.get(l) : options.channels;
      if (c === undefined) throw new RangeError(`BiFpn: the backbone has no level ${l}`);
      widths.set(l, c);
    }
    if (range[range.length - 1] > BACKBONE_TOP_LEVEL) {
      this.extra = new Resample(scope.child(`p${BACKBONE_TOP_LEVEL + 1}`), options.inChannels.get(BACKBONE_TOP_LEVEL)!, options.channels, norm);
    }
    for (let i = 0; i < options.layers; i++) {
      const inC = i === 0 ? widths : new Map(range.map((l) => [l, options.channels]));
      this.layers.push(new BiFpnLayer(scope.child('cells').child(i), range, inC, options.channels, options.fusion ?? 'fast', norm));
    }
  }

  apply(features: Map<number, tf.Tensor4D>, training: boolean): Map<number, tf.Tensor4D> {
    const range = levelRange(this.levels);
    const lo = range[0];
    let x = new Map<number, tf.Tensor4D>();
    for (const l of range) if (l <= BACKBONE_TOP_LEVEL) x.set(l, features.get(l)!);
    // P6 from C5 (1×1 conv + norm if needed, then max-pool); each higher level max-pools the one below.
    let below: tf.Tensor4D | undefined;
    for (let l = BACKBONE_TOP_LEVEL + 1; l <= range[range.length - 1]; l++) {
      below = below === undefined ? this.extra!.apply(features.get(BACKBONE_TOP_LEVEL)!, 1, [0, 0], training) : maxPool(below, 3, 2);
      if (l >= lo) x.set(l, below);
    }
    for (const layer of this.layers) x = layer.apply(x, training);
    return new Map(this.levels.map((l) => [l, x.get(l)!]));
  }
}
