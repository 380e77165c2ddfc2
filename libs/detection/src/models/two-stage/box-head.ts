import * as tf from '@tensorflow/tfjs-core';
import { ROI_BOX_INIT_STD, ROI_CLS_INIT_STD, ROI_HEAD_CONVS, type RoiConfig } from '../../config';
import { Conv2d, GroupNorm, heNormal, normal, zeros, type Initializer, type Scope } from '../../nn';

/** A fully connected layer `[N, in] → [N, out]`. Variables: `weight` `[in, out]`, `bias` `[out]`. */
export class Linear {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;

  constructor(scope: Scope, inFeatures: number, outFeatures: number, init: Initializer = heNormal('fanIn')) {
    this.weight = scope.param('weight', [inFeatures, outFeatures], init);
    this.bias = scope.param('bias', [outFeatures], zeros);
  }

  apply(x: tf.Tensor2D, relu = false): tf.Tensor2D {
    return tf.fused.matMul({ a: x, b: this.weight as tf.Tensor2D, bias: this.bias, activation: relu ? 'relu' : 'linear' }) as tf.Tensor2D;
  }
}

/** Options of {@link BoxHead}. */
export interface BoxHeadOptions {
  kind: RoiConfig['boxHead'];
  /** Channels of the pooled RoI features. */
  inChannels: number;
  /** Side of the pooled RoI features (7). */
  poolSize: number;
  fcDim: number;
  convDim: number;
}

/**
 * The RoI box head's feature extractor: pooled `[R, 7, 7, C]` → `[R, fcDim]`.
 * - '2fc': flatten, two fully connected layers with ReLU (FPN §4.2, "2fc").
 * - '4conv1fc': four 3×3 convolutions with group norm and ReLU, flatten, one fully connected
 *   layer with ReLU (Group Normalization, Table 5).
 *
 * Variables: `fc1`, `fc2` or `conv1..4` (+ `.norm`) and `fc1`.
 */
export class BoxHead {
  private readonly convs: { conv: Conv2d; norm: GroupNorm }[] = [];
  private readonly fcs: Linear[] = [];
  readonly outFeatures: number;

  constructor(scope: Scope, options: BoxHeadOptions) {
    let channels = options.inChannels;
    if (options.kind === '4conv1fc') {
      for (let i = 1; i <= ROI_HEAD_CONVS; i++) {
        const s = scope.child(`conv${i}`);
        this.convs.push({
          conv: new Conv2d(s, { inChannels: channels, outChannels: options.convDim, kernelSize: 3, bias: false }),
          norm: new GroupNorm(s.child('norm'), options.convDim),
        });
        channels = options.convDim;
      }
    }
    const flat = options.poolSize * options.poolSize * channels;
    this.fcs.push(new Linear(scope.child('fc1'), flat, options.fcDim));
    if (options.kind === '2fc') this.fcs.push(new Linear(scope.child('fc2'), options.fcDim, options.fcDim));
    this.outFeatures = options.fcDim;
  }

  apply(pooled: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let x = pooled;
      for (const { conv, norm } of this.convs) x = tf.relu(norm.apply(conv.apply(x)));
      let h = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
      for (const fc of this.fcs) h = fc.apply(h, true);
      return h;
    });
  }
}

/** Class scores over K + 1 classes (0 = background) and class-specific deltas `[R, 4K]`. */
export interface BoxPredictions {
  classLogits: tf.Tensor2D;
  deltas: tf.Tensor2D;
}

/**
 * The sibling output layers of Fast R-CNN (§2.2): a softmax classifier over K + 1 classes and
 * class-specific box regression (4 deltas per object class, BoxCoder weights 10, 10, 5, 5).
 * Initialised N(0, 0.01²) and N(0, 0.001²) (detectron2's FastRCNNOutputLayers). Variables:
 * `cls`, `box`.
 */
export class BoxPredictor {
  private readonly cls: Linear;
  private readonly box: Linear;

  constructor(scope: Scope, inFeatures: number, numClasses: number) {
    this.cls = new Linear(scope.child('cls'), inFeatures, numClasses + 1, normal(ROI_CLS_INIT_STD));
    this.box = new Linear(scope.child('box'), inFeatures, 4 * numClasses, normal(ROI_BOX_INIT_STD));
  }

  apply(features: tf.Tensor2D): BoxPredictions {
    return tf.tidy(() => ({ classLogits: this.cls.apply(features), deltas: this.box.apply(features) })) as unknown as BoxPredictions;
  }
}
