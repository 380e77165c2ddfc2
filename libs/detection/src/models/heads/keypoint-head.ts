import * as tf from '@tensorflow/tfjs-core';
import { KEYPOINT_HEAD_CONVS, KEYPOINT_HEAD_DIM } from '../../config/paper-constants';
import { Conv2d, heNormal, zeros, type Scope } from '../../nn';

/** Options of {@link KeypointHead}. */
export interface KeypointHeadOptions {
  /** Channels of the RoI features (the FPN width). */
  inChannels: number;
  /** K: keypoints per instance, one heatmap each. */
  numKeypoints: number;
  /** Hidden 3×3 convs. @defaultValue KEYPOINT_HEAD_CONVS (8, Mask R-CNN §5) */
  convs?: number;
  /** Their width. @defaultValue KEYPOINT_HEAD_DIM (512, Mask R-CNN §5) */
  channels?: number;
}

/** Side of the transposed convolution's kernel (detectron2 KRCNNConvDeconvUpsampleHead: 4, stride 2, padding 1 — an exact 2×). */
const DECONV_KERNEL = 4;

/**
 * The keypoint head of Mask R-CNN (He et al. 2017, §5; detectron2 KRCNNConvDeconvUpsampleHead):
 * P×P RoI features → `convs` 3×3 convs of `channels` with ReLU → a 4×4 stride-2 transposed
 * convolution to K channels (2P) → 2× bilinear upscaling (half-pixel centres, PyTorch's
 * `align_corners=False`) → K heatmap logits of 4P × 4P (14 → 56 in the paper). No ReLU after the
 * deconvolution: its outputs are the logits. Weights He-normal (fan-out), biases 0, as detectron2.
 * Variables under the given scope: `conv.<i>.weight|bias`, `deconv.weight|bias`.
 */
export class KeypointHead {
  readonly numKeypoints: number;
  private readonly convs: Conv2d[] = [];
  private readonly deconvWeight: tf.Variable;
  private readonly deconvBias: tf.Variable;

  constructor(scope: Scope, readonly options: KeypointHeadOptions) {
    const dim = options.channels ?? KEYPOINT_HEAD_DIM;
    this.numKeypoints = options.numKeypoints;
    let inC = options.inChannels;
    for (let i = 0; i < (options.convs ?? KEYPOINT_HEAD_CONVS); i++) {
      this.convs.push(new Conv2d(scope.child('conv').child(i), { inChannels: inC, outChannels: dim, kernelSize: 3, init: heNormal() }));
      inC = dim;
    }
    // conv2dTranspose takes its filter as [k, k, out, in]; fan-out is k²·in, PyTorch's for a transposed weight.
    this.deconvWeight = scope.child('deconv').param('weight', [DECONV_KERNEL, DECONV_KERNEL, options.numKeypoints, inC], heNormal('fanOut'));
    this.deconvBias = scope.child('deconv').param('bias', [options.numKeypoints], zeros);
  }

  /** `[R, P, P, inChannels]` RoI features → `[R, 4P, 4P, K]` heatmap logits. Caller owns the result. */
  apply(features: tf.Tensor4D): tf.Tensor4D {
    const [r, p, q] = features.shape;
    const k = this.numKeypoints;
    if (r === 0) return tf.zeros([0, 4 * p, 4 * q, k]);
    return tf.tidy(() => {
      let h = features;
      for (const conv of this.convs) h = conv.apply(h, 'relu');
      // 'same' padding with kernel 4 and stride 2 pads 1 a side: PyTorch's padding = k / 2 − 1.
      const up = tf.add(tf.conv2dTranspose(h, this.deconvWeight as tf.Tensor4D, [r, 2 * p, 2 * q, k], 2, 'same'), this.deconvBias) as tf.Tensor4D;
      return tf.image.resizeBilinear(up, [4 * p, 4 * q], false, true);
    });
  }
}
