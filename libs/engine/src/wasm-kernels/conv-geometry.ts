import { backend_util } from '@tensorflow/tfjs-core';

/** Padding of the four spatial sides, in pixels, as the forward convolution applied it. */
export interface SidePads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * The geometry of a forward 2-D convolution (regular or depthwise), NHWC, that a gradient kernel
 * inverts. Computed once by tfjs-core's own `computeConv2DInfo`, so 'same', 'valid', explicit
 * padding and `dimRoundingMode` mean exactly what they meant in the forward pass.
 */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  pad: SidePads;
}

/** Forward convolution attributes as tfjs-core passes them to a backprop kernel. */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

/**
 * Geometry of the forward convolution of an input of shape `inShape` [B, H, W, C] with a filter
 * of shape `filterShape` [kh, kw, C, ·]. Only NHWC exists on the wasm backend, as in the models.
 */
export function convGeometry(
  inShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvAttrs,
  depthwise: boolean,
): ConvGeometry {
  if (attrs.dataFormat === 'NCHW') {
    throw new Error('wasm gradient kernels: dataFormat NCHW is not supported (the wasm backend is NHWC only)');
  }
  const info = backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    pad: { top: info.padInfo.top, bottom: info.padInfo.bottom, left: info.padInfo.left, right: info.padInfo.right },
  };
}

/**
 * Rows (or columns) of the padded input that the forward pass actually read:
 * `(k - 1)·d + (out - 1)·s + 1`. The last `in + padBefore + padAfter − span` padded rows were
 * never under a window (floor rounding of the output size), so they receive no gradient.
 */
export function readSpan(kernel: number, dilation: number, out: number, stride: number): number {
  return (kernel - 1) * dilation + (out - 1) * stride + 1;
}
