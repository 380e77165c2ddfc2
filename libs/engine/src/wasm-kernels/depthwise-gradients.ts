import * as tf from '@tensorflow/tfjs-core';
import { readWindow, spreadOutputGradient } from './conv2d-gradients';
import type { ConvGeometry } from './conv-geometry';
import { derivedFilter } from './derived-filters';
import { flipTaps } from './flip-taps';

/**
 * Filter gradient of `y = depthwiseConv2d(x, w)` with channel multiplier M:
 * dW[p, q, c, m] = Σ_{b,i,j} x̃[b, i·s + p·d, j·s + q·d, c] · dy[b, i, j, c·M + m].
 * Computed as one depthwise convolution over B·C channels (batch folded into channels) with dy as
 * the filter, stride and dilation swapped, then summed over the batch.
 * @param x `[B, H, W, C]`; @param dy `[B, Ho, Wo, C·M]`; @returns `[kh, kw, C, M]`.
 */
export function depthwiseFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  g: ConvGeometry,
  multiplier: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const window = readWindow(x, g);
    const [b, h, w, c] = window.x.shape;
    const xT = tf.reshape<tf.Rank.R4>(tf.transpose(window.x, [1, 2, 0, 3]), [1, h, w, b * c]);
    const dyT = tf.reshape<tf.Rank.R4>(tf.transpose(dy, [1, 2, 0, 3]), [g.outHeight, g.outWidth, b * c, multiplier]);
    const perImage = tf.depthwiseConv2d(xT, dyT, [g.dilationHeight, g.dilationWidth], window.pad, 'NHWC', [
      g.strideHeight,
      g.strideWidth,
    ]); // [1, kh, kw, B·C·M]
    const summed = tf.sum(tf.reshape(perImage, [g.filterHeight, g.filterWidth, b, c * multiplier]), 2);
    return tf.reshape(summed, [g.filterHeight, g.filterWidth, c, multiplier]);
  });
}

/**
 * Input gradient of `y = depthwiseConv2d(x, w)`: the spread output gradient convolved depthwise,
 * at stride 1, with the spatially flipped filter; with M > 1 the M output channels of each input
 * channel are summed.
 * @param dy `[B, Ho, Wo, C·M]`; @param w `[kh, kw, C, M]`; @returns `[B, H, W, C]`.
 */
export function depthwiseInputGradient(dy: tf.Tensor4D, w: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, m] = w.shape;
    const flipped = derivedFilter(w, 'flip-depthwise', () => tf.reshape<tf.Rank.R4>(flipTaps(w), [kh, kw, c * m, 1]));
    const spread = spreadOutputGradient(dy, g);
    const perOutput = tf.depthwiseConv2d(spread.x, flipped, 1, spread.pad, 'NHWC', [
      g.dilationHeight,
      g.dilationWidth,
    ]); // [B, H, W, C·M]
    if (m === 1) return perOutput;
    const [b, h, wd] = perOutput.shape;
    return tf.sum(tf.reshape(perOutput, [b, h, wd, c, m]), 4);
  });
}
