import * as tf from '@tensorflow/tfjs-core';
import type { ConvGeometry } from './conv-geometry';

/*
 * Input gradient of `y = conv2d(x, w)` for small output maps, as one matrix product and a
 * scatter-add, with the weights used exactly as stored:
 *
 *   D (kh·kw·C × N) = W (kh·kw·C × O) · DYᵀ (O × N),   N = B·Ho·Wo output pixels,
 *   dx[b, i·s + p·d − pt, j·s + q·d − pl, c] += D[(p, q, c), (b, i, j)]   (col2im).
 *
 * Why: the convolution route hands XNNPACK a flipped, channel-swapped copy of the filter, which
 * XNNPACK packs before use (~15–25 ns a weight, and the weights change every step). On the small
 * maps of a detector's deep layers and heads (2×2 … 8×8 at 64 px) that packing, not arithmetic,
 * was the cost: 57 ms for one 3×3×512×512 input gradient at 2×2. XNNPACK's fully-connected operator
 * (the wasm BatchMatMul) reads its first operand in place and packs only the second, here DYᵀ,
 * which is small exactly when this route is taken. No flip, no spread zeros, no polyphase: every
 * stride, padding and dilation is the same scatter-add on the host.
 */

/** Use this route while N ≤ this × O: col2im (~kh·kw·C·N host adds) then costs less than packing kh·kw·C·O weights. */
export const GEMM_INPUT_GRADIENT_MAX_PIXELS_PER_CHANNEL = 4;

/** Whether the input gradient of this geometry, with O output channels, takes the GEMM route. */
export function prefersGemmInputGradient(g: ConvGeometry, outChannels: number): boolean {
  return g.batch * g.outHeight * g.outWidth <= GEMM_INPUT_GRADIENT_MAX_PIXELS_PER_CHANNEL * outChannels;
}

/**
 * @param dy `[B, Ho, Wo, O]`; @param w `[kh, kw, C, O]`; @returns `[B, H, W, C]`.
 */
export function conv2dInputGradientGemm(dy: tf.Tensor4D, w: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const [kh, kw, c, o] = w.shape;
  const n = g.batch * g.outHeight * g.outWidth;
  const columns = tf.tidy(() => {
    const dyT = tf.transpose(tf.reshape<tf.Rank.R2>(dy, [n, o])); // [O, N]
    return tf.matMul(tf.reshape<tf.Rank.R2>(w, [kh * kw * c, o]), dyT); // [kh·kw·C, N]
  });
  const values = columns.dataSync() as Float32Array;
  columns.dispose();
  return tf.tensor4d(col2im(values, g, c), [g.batch, g.inHeight, g.inWidth, c], 'float32');
}

/** Sums the rows (p, q, c) of `columns` [kh·kw·C, B·Ho·Wo] back onto the input pixels they were read from. */
function col2im(columns: Float32Array, g: ConvGeometry, c: number): Float32Array {
  const { batch, inHeight, inWidth, outHeight, outWidth } = g;
  const dx = new Float32Array(batch * inHeight * inWidth * c);
  const n = batch * outHeight * outWidth;
  for (let p = 0; p < g.filterHeight; p++) {
    for (let q = 0; q < g.filterWidth; q++) {
      const tapRows = (p * g.filterWidth + q) * c;
      for (let b = 0; b < batch; b++) {
        for (let i = 0; i < outHeight; i++) {
          const h = i * g.strideHeight + p * g.dilationHeight - g.pad.top;
          if (h < 0 || h >= inHeight) continue;
          for (let j = 0; j < outWidth; j++) {
            const x = j * g.strideWidth + q * g.dilationWidth - g.pad.left;
            if (x < 0 || x >= inWidth) continue;
            const pixel = (b * outHeight + i) * outWidth + j;
            const target = ((b * inHeight + h) * inWidth + x) * c;
            for (let ch = 0; ch < c; ch++) dx[target + ch]! += columns[(tapRows + ch) * n + pixel]!;
          }
        }
      }
    }
  }
  return dx;
}
