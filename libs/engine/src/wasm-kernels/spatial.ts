import * as tf from '@tensorflow/tfjs-core';

/** Explicit NHWC padding as tfjs convolutions take it: [[0, 0], [top, bottom], [left, right], [0, 0]]. */
export type ExplicitPad = [[0, 0], [number, number], [number, number], [0, 0]];

/** A tensor with the padding a convolution should add around it (instead of a padded copy). */
export interface Framed {
  x: tf.Tensor4D;
  pad: ExplicitPad;
}

/**
 * `padOrCrop` split in two: negative amounts are cropped now, positive ones are returned as the
 * explicit padding of the convolution that consumes the tensor. XNNPACK reads padding as zeros
 * while it gathers its input, so this saves a full copy (a PadV2 pass) per gradient.
 */
export function cropForPadding(x: tf.Tensor4D, rows: [number, number], cols: [number, number]): Framed {
  const cropped = padOrCrop(x, [Math.min(0, rows[0]), Math.min(0, rows[1])], [Math.min(0, cols[0]), Math.min(0, cols[1])]);
  return {
    x: cropped,
    pad: [
      [0, 0],
      [Math.max(0, rows[0]), Math.max(0, rows[1])],
      [Math.max(0, cols[0]), Math.max(0, cols[1])],
      [0, 0],
    ],
  };
}

/**
 * Adds `before`/`after` zero rows and columns to the spatial axes of an NHWC tensor; a negative
 * amount removes that many instead (the rows a forward window never read).
 * `rows = [before, after]` on axis 1, `cols = [before, after]` on axis 2.
 */
export function padOrCrop(x: tf.Tensor4D, rows: [number, number], cols: [number, number]): tf.Tensor4D {
  const [, h, w] = x.shape;
  const cropTop = Math.max(0, -rows[0]);
  const cropLeft = Math.max(0, -cols[0]);
  const keepH = h - cropTop - Math.max(0, -rows[1]);
  const keepW = w - cropLeft - Math.max(0, -cols[1]);
  const cropped =
    keepH === h && keepW === w ? x : tf.slice(x, [0, cropTop, cropLeft, 0], [-1, keepH, keepW, -1]);
  const pads: Array<[number, number]> = [
    [0, 0],
    [Math.max(0, rows[0]), Math.max(0, rows[1])],
    [Math.max(0, cols[0]), Math.max(0, cols[1])],
    [0, 0],
  ];
  return pads[1][0] + pads[1][1] + pads[2][0] + pads[2][1] === 0 ? cropped : tf.pad(cropped, pads);
}

/**
 * Inserts `sh − 1` zero rows between rows and `sw − 1` zero columns between columns of an NHWC
 * tensor: [B, H, W, C] → [B, H·sh, W·sw, C], the value of (i, j) landing at (i·sh, j·sw). The
 * trailing `sh − 1` rows and `sw − 1` columns are zeros too; callers crop them with the padding.
 * This turns a strided convolution's output gradient into the input of a stride-1 convolution.
 */
export function interleaveZeros(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return x;
  const [b, h, w, c] = x.shape;
  const spread = tf.reshape(x, [b, h, 1, w, 1, c]);
  const padded = tf.pad(spread, [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return tf.reshape(padded, [b, h * sh, w * sw, c]);
}
