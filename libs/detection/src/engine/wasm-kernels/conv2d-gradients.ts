import * as tf from '@tensorflow/tfjs-core';
import { type ConvGeometry, readSpan } from './conv-geometry';
import { flipAndSwapChannels } from './flip-taps';
import { conv2dInputGradientPolyphase } from './polyphase';
import { type Framed, cropForPadding, interleaveZeros } from './spatial';

/**
 * The input window the forward convolution read, [B, spanH, spanW, C]: the never-read
 * bottom/right rows cropped, and the forward padding returned for the gradient convolution to add.
 */
export function readWindow(x: tf.Tensor4D, g: ConvGeometry): Framed {
  const spanH = readSpan(g.filterHeight, g.dilationHeight, g.outHeight, g.strideHeight);
  const spanW = readSpan(g.filterWidth, g.dilationWidth, g.outWidth, g.strideWidth);
  return cropForPadding(x, [g.pad.top, spanH - g.inHeight - g.pad.top], [g.pad.left, spanW - g.inWidth - g.pad.left]);
}

/**
 * The output gradient spread back over input positions, ready for a stride-1 'valid' convolution
 * with the spatially flipped filter: zeros between rows/columns for the stride, then
 * `(k − 1)·d − padBefore` zero rows before and `in − 1 + padBefore − (out − 1)·s` after, so that
 * the result is exactly [B, H, W, ·] again.
 */
export function spreadOutputGradient(dy: tf.Tensor4D, g: ConvGeometry): Framed {
  const spread = interleaveZeros(dy, g.strideHeight, g.strideWidth);
  const top = (g.filterHeight - 1) * g.dilationHeight - g.pad.top;
  const left = (g.filterWidth - 1) * g.dilationWidth - g.pad.left;
  // interleaveZeros leaves s − 1 trailing zero rows past (out − 1)·s, hence the − (s − 1).
  const bottom = g.inHeight - 1 + g.pad.top - (g.outHeight - 1) * g.strideHeight - (g.strideHeight - 1);
  const right = g.inWidth - 1 + g.pad.left - (g.outWidth - 1) * g.strideWidth - (g.strideWidth - 1);
  return cropForPadding(spread, [top, bottom], [left, right]);
}

/**
 * Filter gradient of `y = conv2d(x, w)`: dW[p, q, c, o] = Σ_{b,i,j} x̃[b, i·s + p·d, j·s + q·d, c] · dy[b, i, j, o]
 * (x̃ the padded input). That sum is itself a convolution, computed by the fast forward kernel:
 * the input channels become the batch, the batch becomes the channels, dy is the filter, and
 * stride and dilation swap places.
 * @param x `[B, H, W, C]` forward input.
 * @param dy `[B, Ho, Wo, O]` gradient of the forward output.
 * @returns `[kh, kw, C, O]`.
 */
export function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const window = readWindow(x, g);
    const xT = tf.transpose(window.x, [3, 1, 2, 0]); // [C, spanH, spanW, B] once padded
    const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, B, O]
    const gT = tf.conv2d(xT, dyT, [g.dilationHeight, g.dilationWidth], window.pad, 'NHWC', [
      g.strideHeight,
      g.strideWidth,
    ]); // [C, kh, kw, O]
    return tf.transpose(gT, [1, 2, 0, 3]);
  });
}

/**
 * Input gradient of `y = conv2d(x, w)`: the output gradient, spread back over input positions
 * (`spreadOutputGradient`), convolved at stride 1 with the filter flipped in space and with its
 * in/out channels swapped, at the forward dilation.
 * @param dy `[B, Ho, Wo, O]`; @param w `[kh, kw, C, O]`; @returns `[B, H, W, C]`.
 */
export function conv2dInputGradient(dy: tf.Tensor4D, w: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  // Strided convolutions (always dilation 1 in tfjs) skip the zeros of the spread gradient.
  if (g.strideHeight === g.strideWidth && g.strideHeight > 1) return conv2dInputGradientPolyphase(dy, w, g);
  return tf.tidy(() => {
    const flipped = flipAndSwapChannels(w); // [kh, kw, O, C]
    const spread = spreadOutputGradient(dy, g);
    return tf.conv2d(spread.x, flipped, 1, spread.pad, 'NHWC', [
      g.dilationHeight,
      g.dilationWidth,
    ]);
  });
}
