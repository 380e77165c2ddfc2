import * as tf from '@tensorflow/tfjs-core';
import { MASK_HEAD_CONVS, MASK_HEAD_DIM, MASK_PREDICTOR_INIT_STD } from '../../config/paper-constants';
import { Conv2d, convNormAct, createNorm, heNormal, normal, normHasBias, zeros, type Norm, type NormKind, type Scope } from '../../nn';

/** How the mask branch scores a pixel (Mask R-CNN Table 2b): independent per-class sigmoids, or a softmax over classes. */
export type MaskLossKind = 'sigmoid' | 'softmax';

/** Options of {@link MaskHead}. */
export interface MaskHeadOptions {
  /** Channels of the RoI features (the FPN width). */
  inChannels: number;
  /** K: object classes (no background). */
  numClasses: number;
  /** Width of the hidden convs and the deconvolution. @defaultValue MASK_HEAD_DIM (256, Mask R-CNN Fig. 4) */
  convDim?: number;
  /** Hidden 3×3 convs. @defaultValue MASK_HEAD_CONVS (4, Mask R-CNN Fig. 4) */
  numConvs?: number;
  /** Normalisation after each hidden conv ('none' in the paper; GN in the Group Normalization paper's heads). @defaultValue 'none' */
  norm?: NormKind;
  /**
   * 'sigmoid': K output channels, one binary mask per class. 'softmax': K + 1 channels (channel 0
   * background, channel c + 1 class c), a multinomial over classes per pixel. @defaultValue 'sigmoid'
   */
  loss?: MaskLossKind;
}

/**
 * The mask branch of Mask R-CNN (He et al., §3 and Fig. 4, right, FPN head): 14×14 RoI features →
 * `numConvs` 3×3 convs of `convDim` channels with ReLU (and an optional norm) → a 2×2 stride-2
 * transposed convolution with ReLU to 28×28 → a 1×1 conv to one mask logit per class (K, or K + 1
 * for the softmax ablation). Variables under the given scope: `conv.<i>.weight|bias`,
 * `norm.<i>.*`, `deconv.weight|bias`, `predictor.weight|bias`.
 */
export class MaskHead {
  readonly numOutputs: number;
  readonly loss: MaskLossKind;
  private readonly convs: Conv2d[] = [];
  private readonly norms: Norm[] = [];
  private readonly deconvWeight: tf.Variable;
  private readonly deconvBias: tf.Variable;
  private readonly predictor: Conv2d;

  constructor(scope: Scope, readonly options: MaskHeadOptions) {
    const dim = options.convDim ?? MASK_HEAD_DIM;
    const norm = options.norm ?? 'none';
    this.loss = options.loss ?? 'sigmoid';
    this.numOutputs = this.loss === 'softmax' ? options.numClasses + 1 : options.numClasses;
    let inC = options.inChannels;
    for (let i = 0; i < (options.numConvs ?? MASK_HEAD_CONVS); i++) {
      // He init (fan-out) as detectron2's c2_msra_fill of the mask head.
      this.convs.push(new Conv2d(scope.child('conv').child(i), { inChannels: inC, outChannels: dim, kernelSize: 3, bias: !normHasBias(norm), init: heNormal() }));
      this.norms.push(createNorm(norm, scope.child('norm').child(i), dim));
      inC = dim;
    }
    // conv2dTranspose takes its filter as [k, k, out, in].
    this.deconvWeight = scope.child('deconv').param('weight', [2, 2, dim, inC], heNormal('fanIn'));
    this.deconvBias = scope.child('deconv').param('bias', [dim], zeros);
    this.predictor = new Conv2d(scope.child('predictor'), { inChannels: dim, outChannels: this.numOutputs, kernelSize: 1, init: normal(MASK_PREDICTOR_INIT_STD) });
  }

  /** `[R, P, P, inChannels]` RoI features → `[R, 2P, 2P, numOutputs]` mask logits (P = 14 → 28). Caller owns the result. */
  apply(features: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const [r, p, q] = features.shape;
    // No positive RoI in the batch: nothing to run (and no 0-batch convolution to trip a backend).
    if (r === 0) return tf.zeros([0, 2 * p, 2 * q, this.numOutputs]);
    return tf.tidy(() => {
      let h = features;
      this.convs.forEach((conv, i) => {
        h = convNormAct(conv, this.norms[i] as Norm, h, training, 'relu');
      });
      const dim = this.deconvBias.shape[0] as number;
      const up = tf.conv2dTranspose(h, this.deconvWeight as tf.Tensor4D, [r, 2 * p, 2 * q, dim], 2, 'valid');
      return this.predictor.apply(tf.relu(tf.add(up, this.deconvBias)) as tf.Tensor4D);
    });
  }
}
