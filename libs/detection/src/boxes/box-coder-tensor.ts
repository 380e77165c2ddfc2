import * as tf from '@tensorflow/tfjs-core';
import { BOX_SCALE_CLAMP, RETINANET_BOX_WEIGHTS } from '../config';
import type { BoxCoderOptions } from './box-coder';

/**
 * `BoxCoder.decode` on tensors, for code that needs decoded boxes inside the graph (an IoU-based
 * loss, batched prediction on the accelerator). Same parametrisation, weights and clamp.
 *
 * @param deltas - `[..., 4]` (t_x, t_y, t_w, t_h).
 * @param anchors - `[..., 4]` XYXY, broadcastable against `deltas` (e.g. `[A, 4]` against `[B, A, 4]`).
 * @returns `[..., 4]` XYXY boxes; the caller owns it. Intermediates are disposed.
 */
export function decodeBoxesTensor(deltas: tf.Tensor, anchors: tf.Tensor, options: BoxCoderOptions = {}): tf.Tensor {
  const [wx, wy, ww, wh] = options.weights ?? RETINANET_BOX_WEIGHTS;
  const clamp = options.scaleClamp ?? BOX_SCALE_CLAMP;
  return tf.tidy(() => {
    const [ax1, ay1, ax2, ay2] = tf.split(anchors, 4, -1);
    const [tx, ty, tw, th] = tf.split(deltas, 4, -1);
    const aw = tf.sub(ax2, ax1);
    const ah = tf.sub(ay2, ay1);
    const acx = tf.add(ax1, tf.mul(aw, 0.5));
    const acy = tf.add(ay1, tf.mul(ah, 0.5));
    const cx = tf.add(tf.mul(tf.div(tx, wx), aw), acx);
    const cy = tf.add(tf.mul(tf.div(ty, wy), ah), acy);
    const halfW = tf.mul(tf.exp(tf.minimum(tf.div(tw, ww), clamp)), tf.mul(aw, 0.5));
    const halfH = tf.mul(tf.exp(tf.minimum(tf.div(th, wh), clamp)), tf.mul(ah, 0.5));
    return tf.concat([tf.sub(cx, halfW), tf.sub(cy, halfH), tf.add(cx, halfW), tf.add(cy, halfH)], -1);
  });
}
