import * as tf from '@tensorflow/tfjs-core';

/**
 * R-CNN's region warping (§2.1, appendix A): each box is dilated about its centre so that, once
 * warped, a fraction `contextPadding` of the output on each side is image context around the box
 * (appendix A: p = 16 of 227 pixels), then the dilated box is resampled bilinearly to
 * `warpSize`×`warpSize` regardless of its aspect ratio ("warp", appendix A's best choice).
 * Context beyond the image reads 0 — the image mean of a mean-subtracted input, as the paper
 * fills it.
 *
 * @param images - `[B, H, W, C]`.
 * @param boxes - flat 4·R XYXY input pixels; `imageIndex` R: the image of each.
 * @returns `[R, warpSize, warpSize, C]`; the caller owns it.
 */
export function warpRegions(images: tf.Tensor4D, boxes: Float32Array, imageIndex: Int32Array, warpSize: number, contextPadding: number): tf.Tensor4D {
  const [, height, width] = images.shape;
  return tf.tidy(() => {
    const normalised = cropBoxes(boxes, width, height, warpSize, contextPadding);
    return tf.image.cropAndResize(images, tf.tensor2d(normalised, [imageIndex.length, 4]), tf.tensor1d(imageIndex, 'int32'), [warpSize, warpSize], 'bilinear', 0);
  });
}

/**
 * The boxes in `tf.image.cropAndResize`'s convention, `[y1, x1, y2, x2]` with 0 and 1 the centres of
 * the first and last pixel rows/columns, such that output sample j of a box of width w sits at the
 * centre of its w/warpSize-wide cell: pixel-index coordinate x1 + (j + ½)·w/warpSize − ½. A box of
 * `warpSize` pixels on the pixel grid is thus copied exactly, one of 2·`warpSize` averaged 2×2.
 */
export function cropBoxes(boxes: Float32Array, width: number, height: number, warpSize: number, contextPadding: number): Float32Array {
  const count = boxes.length / 4;
  const out = new Float32Array(count * 4);
  const dilation = 1 / (1 - 2 * contextPadding);
  for (let r = 0; r < count; r++) {
    const [x1, y1, x2, y2] = dilate(boxes.subarray(4 * r, 4 * r + 4), dilation);
    const halfCellX = (x2 - x1) / (2 * warpSize);
    const halfCellY = (y2 - y1) / (2 * warpSize);
    out[4 * r] = (y1 + halfCellY - 0.5) / Math.max(1, height - 1);
    out[4 * r + 1] = (x1 + halfCellX - 0.5) / Math.max(1, width - 1);
    out[4 * r + 2] = (y2 - halfCellY - 0.5) / Math.max(1, height - 1);
    out[4 * r + 3] = (x2 - halfCellX - 0.5) / Math.max(1, width - 1);
  }
  return out;
}

/** The box scaled by `factor` about its centre. */
function dilate(box: Float32Array, factor: number): [number, number, number, number] {
  const cx = (box[0] + box[2]) / 2;
  const cy = (box[1] + box[3]) / 2;
  const hw = ((box[2] - box[0]) * factor) / 2;
  const hh = ((box[3] - box[1]) * factor) / 2;
  return [cx - hw, cy - hh, cx + hw, cy + hh];
}
