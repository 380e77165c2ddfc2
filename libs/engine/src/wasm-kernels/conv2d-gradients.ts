import * as tf from '@tensorflow/tfjs-core';
import { type ConvGeometry, readSpan } from './conv-geometry';
import { derivedFilter } from './derived-filters';
import { flipAndSwapChannels } from './flip-taps';
import { conv2dInputGradientGemm, prefersGemmInputGradient } from './input-gradient-gemm';
import { conv2dInputGradientByPhase, conv2dInputGradientPolyphase, prefersConvolutionPerPhase } from './polyphase';
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
 * Input gradient of `y = conv2d(x, w)`: the output gradient, spread back over input positions
 * (`spreadOutputGradient`), convolved at stride 1 with the filter flipped in space and with its
 * in/out channels swapped, at the forward dilation. The flipped filter is cached per weight tensor
 * (`derivedFilter`), so a weight shared by several convolutions is flipped and packed once a step.
 * @param dy `[B, Ho, Wo, O]`; @param w `[kh, kw, C, O]`; @returns `[B, H, W, C]`.
 */
export function conv2dInputGradient(dy: tf.Tensor4D, w: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  // Small output maps: a product with the weights as stored beats packing a flipped copy of them.
  if (prefersGemmInputGradient(g, w.shape[3])) return conv2dInputGradientGemm(dy, w, g);
  // Strided convolutions (always dilation 1 in tfjs) skip the zeros of the spread gradient.
  if (g.strideHeight === g.strideWidth && g.strideHeight > 1) {
    return prefersConvolutionPerPhase(g, w.shape[2]) ? conv2dInputGradientByPhase(dy, w, g) : conv2dInputGradientPolyphase(dy, w, g);
  }
  return tf.tidy(() => {
    const flipped = derivedFilter(w, 'flip-swap', () => flipAndSwapChannels(w)); // [kh, kw, O, C]
    const spread = spreadOutputGradient(dy, g);
    return tf.conv2d(spread.x, flipped, 1, spread.pad, 'NHWC', [
      g.dilationHeight,
      g.dilationWidth,
    ]);
  });
}
