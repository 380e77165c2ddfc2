import * as tf from '@tensorflow/tfjs-core';
import { RETINANET_PRIOR_PROBABILITY } from '../../config';
import {
  Conv2d,
  SeparableConv2d,
  convNormAct,
  constant,
  createNorm,
  type Activation,
  type BatchNormOptions,
  type Initializer,
  type Norm,
  type NormKind,
  type Scope,
} from '../../nn';
import type { DetectorOutputs } from '../detector';

/** Options of {@link DenseHead}. */
export interface DenseHeadOptions {
  /** Pyramid levels, in the order of the anchors (config.anchors.levels). */
  levels: readonly number[];
  /** Channels of every pyramid level. */
  inChannels: number;
  /** A: anchors per position. */
  numAnchors: number;
  /** C: classes (no background). */
  numClasses: number;
  /** Hidden convs per subnet (RetinaNet 4; EfficientDet D_class). */
  numConvs: number;
  /** 'conv' (RetinaNet, 3×3) or 'separable' (EfficientDet). */
  convKind: 'conv' | 'separable';
  /** After each hidden conv: ReLU (RetinaNet) or swish (EfficientDet). */
  activation: Activation;
  /** Normalisation after each hidden conv. */
  norm: NormKind;
  /** Batch-norm options (ε). */
  batchNorm?: BatchNormOptions;
  /** Initialiser of every (pointwise) kernel in the head. */
  init: Initializer;
  /** π of the class bias −log((1 − π)/π). @defaultValue 0.01 (RetinaNet §4.1) */
  priorProbability?: number;
}

type AnyConv = Conv2d | SeparableConv2d;

/**
 * One subnet: numConvs hidden convs (shared across levels) with norm and activation, then the
 * predictor conv with `outPerAnchor · A` outputs.
 *
 * Norm placement: the convs are shared across levels but batch norm is not: each level has its own
 * BN (γ, β and moving statistics; `norm.<l>.*`), as the EfficientDet reference and detectron2's
 * RetinaNet head (`CycleBatchNormList`) do, because the levels' statistics differ. Group norm has no
 * running statistics and is shared across levels (`norm.*`), as in detectron2's GN heads.
 */
class Subnet {
  private readonly convs: AnyConv[] = [];
  private readonly norms: Array<Map<number, Norm>> = [];
  readonly predictor: AnyConv;

  constructor(scope: Scope, o: DenseHeadOptions, outPerAnchor: number, biasInit: Initializer) {
    const make = (s: Scope, outC: number, bias: boolean, bInit?: Initializer): AnyConv =>
      o.convKind === 'conv'
        ? new Conv2d(s, { inChannels: o.inChannels, outChannels: outC, kernelSize: 3, bias, init: o.init, biasInit: bInit })
        : new SeparableConv2d(s, { inChannels: o.inChannels, outChannels: outC, bias, pointwiseInit: o.init, biasInit: bInit });
    for (let i = 0; i < o.numConvs; i++) {
      const s = scope.child(i);
      this.convs.push(make(s.child('conv'), o.inChannels, o.norm === 'none'));
      const norms = new Map<number, Norm>();
      if (o.norm === 'batch') for (const l of o.levels) norms.set(l, createNorm('batch', s.child('norm').child(l), o.inChannels, o.batchNorm));
      else {
        const shared = createNorm(o.norm, s.child('norm'), o.inChannels);
        for (const l of o.levels) norms.set(l, shared);
      }
      this.norms.push(norms);
    }
    this.predictor = make(scope.child('predictor'), o.numAnchors * outPerAnchor, true, biasInit);
  }

  apply(x: tf.Tensor4D, level: number, activation: Activation, training: boolean): tf.Tensor4D {
    let h = x;
    this.convs.forEach((conv, i) => {
      h = convNormAct(conv, this.norms[i].get(level)!, h, training, activation);
    });
    return this.predictor.apply(h);
  }
}

/**
 * The classification and box subnets of RetinaNet (§3.3, Fig. 3) / EfficientDet (§3.3): shared
 * across levels, not with each other. The class predictor's bias starts at −log((1 − π)/π) so that
 * every anchor's initial foreground probability is π (RetinaNet §4.1 "Initialization").
 *
 * ## Output order
 * Level l's predictor gives `[B, H, W, A·C]`, channel `a·C + c` = class c of anchor a (and
 * `[B, H, W, A·4]`, channel `a·4 + j`). Reshaped to `[B, H·W·A, C]` and concatenated over levels in
 * `levels` order, row `offset_l + (y·W + x)·A + a` matches `generateAnchors` (anchors/anchor-generator.ts).
 *
 * Variables: `cls_subnet.<i>.{conv,norm}.*`, `cls_subnet.predictor.*`, `bbox_subnet.…`.
 */
export class DenseHead {
  readonly cls: Subnet;
  readonly box: Subnet;

  constructor(
    scope: Scope,
    readonly options: DenseHeadOptions,
  ) {
    const pi = options.priorProbability ?? RETINANET_PRIOR_PROBABILITY;
    this.cls = new Subnet(scope.child('cls_subnet'), options, options.numClasses, constant(-Math.log((1 - pi) / pi)));
    this.box = new Subnet(scope.child('bbox_subnet'), options, 4, constant(0));
  }

  /**
   * @param features - pyramid level ↦ `[B, H_l, W_l, inChannels]`.
   * @returns classLogits `[B, ΣH_l·W_l·A, C]`, boxDeltas `[B, ΣH_l·W_l·A, 4]`.
   */
  apply(features: Map<number, tf.Tensor4D>, training: boolean): DetectorOutputs {
    const { levels, numClasses, activation } = this.options;
    const cls: tf.Tensor3D[] = [];
    const box: tf.Tensor3D[] = [];
    for (const l of levels) {
      const x = features.get(l)!;
      const b = x.shape[0];
      cls.push(tf.reshape(this.cls.apply(x, l, activation, training), [b, -1, numClasses]));
      box.push(tf.reshape(this.box.apply(x, l, activation, training), [b, -1, 4]));
    }
    return {
      classLogits: cls.length === 1 ? cls[0] : tf.concat(cls, 1),
      boxDeltas: box.length === 1 ? box[0] : tf.concat(box, 1),
    };
  }
}
