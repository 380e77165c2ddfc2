import * as tf from '@tensorflow/tfjs-core';

/**
 * `tile(x, reps)` as one broadcasting Add of x (reshaped so that every repeated axis gets a
 * size-1 partner) and zeros of the repetition shape: out[…, r, i, …] = x[…, i, …].
 * The batch-norm gradient tiles the per-channel 1/σ to the whole activation
 * ([1, 1, 1, C] → [B, H, W, C]), and the wasm backend's Tile kernel computes an index per element:
 * 59 ms for [1,1,1,64] → [2,64,64,64], where a broadcast Add of the same size takes a few ms
 * (tfjs-backend-wasm 4.22; see docs/notes/benchmarks-history.md, `## Engine`).
 */
export function tileByBroadcast(x: tf.Tensor, reps: readonly number[]): tf.Tensor {
  return tf.tidy(() => {
    const source: number[] = [];
    const partner: number[] = [];
    x.shape.forEach((d, i) => {
      const r = reps[i]!;
      if (r === 1) {
        source.push(d);
        partner.push(1);
      } else if (d === 1) {
        source.push(1);
        partner.push(r);
      } else {
        source.push(1, d);
        partner.push(r, 1);
      }
    });
    const outShape = x.shape.map((d, i) => d * reps[i]!);
    const spread = tf.add(tf.reshape(x, source), tf.zeros(partner, x.dtype));
    return tf.reshape(spread, outShape);
  });
}
