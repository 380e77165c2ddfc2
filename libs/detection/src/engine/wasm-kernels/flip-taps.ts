import * as tf from '@tensorflow/tfjs-core';

/**
 * The filter rotated by 180° in space: out[p, q, …] = w[kh−1−p, kw−1−q, …], for `[kh, kw, ·, ·]`.
 * Reversing both spatial axes reverses the flat tap index p·kw + q, so the flip is kh·kw block
 * copies of the contiguous trailing dimensions. Done on the host because the wasm backend's
 * Reverse and Gather kernels move one element at a time: flipping a 3×3×256×256 filter took
 * 22 ms through them, against 4 ms for the whole transpose that follows (measured with
 * tfjs-backend-wasm 4.22 on the machine of docs/benchmarks.md); the copy here is a few memcpys.
 */
export function flipTaps(w: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, a, b] = w.shape;
  const taps = kh * kw;
  if (taps === 1) return w;
  const block = a * b;
  const src = w.dataSync() as Float32Array;
  const out = new Float32Array(src.length);
  for (let t = 0; t < taps; t++) out.set(src.subarray((taps - 1 - t) * block, (taps - t) * block), t * block);
  return tf.tensor4d(out, w.shape, 'float32');
}
