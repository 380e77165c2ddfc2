import { BOX_SCALE_CLAMP, RETINANET_BOX_WEIGHTS } from '../config';
import type { BoxArray } from '../structures';

/** Weights (w_x, w_y, w_w, w_h) that multiply the four deltas. */
export type BoxCoderWeights = readonly [number, number, number, number];

/** Options of a BoxCoder. */
export interface BoxCoderOptions {
  /**
   * Multipliers of (t_x, t_y, t_w, t_h).
   * @defaultValue RETINANET_BOX_WEIGHTS (1, 1, 1, 1); FASTER_RCNN_BOX_WEIGHTS is (10, 10, 5, 5).
   */
  weights?: readonly number[];
  /**
   * Upper clamp of the decoded t_w, t_h (after dividing by the weights) before `exp`, so an
   * untrained head cannot produce Infinity.
   * @defaultValue BOX_SCALE_CLAMP = log(1000 / 16): a 16 px box scaled to 1000 px.
   */
  scaleClamp?: number;
}

/**
 * The R-CNN box parametrisation (R-CNN appendix C; Fast R-CNN; torchvision `BoxCoder`,
 * detectron2 `Box2BoxTransform`). For a box with centre (x, y) and size (w, h) and an anchor with
 * (x_a, y_a, w_a, h_a):
 *
 *   t_x = w_x · (x − x_a) / w_a     t_w = w_w · log(w / w_a)
 *   t_y = w_y · (y − y_a) / h_a     t_h = w_h · log(h / h_a)
 *
 * Boxes and anchors are XYXY, flat 4·N, paired by index; deltas are flat 4·N `(t_x, t_y, t_w, t_h)`.
 * Widths are x2 − x1. Anchors must have positive size; a zero-size box encodes to t_w = −∞
 * (the matchers never assign a zero-area ground truth, whose IoU with every anchor is 0).
 */
export class BoxCoder {
  readonly weights: BoxCoderWeights;
  readonly scaleClamp: number;

  constructor(options: BoxCoderOptions = {}) {
    const w = options.weights ?? RETINANET_BOX_WEIGHTS;
    if (w.length !== 4 || w.some((v) => !(v > 0) || !Number.isFinite(v))) {
      throw new RangeError(`BoxCoder: weights must be four positive numbers, got [${w.join(', ')}]`);
    }
    this.weights = [w[0], w[1], w[2], w[3]];
    this.scaleClamp = options.scaleClamp ?? BOX_SCALE_CLAMP;
  }

  /** Deltas that take each anchor to its box. `boxes` and `anchors`: 4·N XYXY; returns 4·N deltas. */
  encode(boxes: BoxArray, anchors: BoxArray): Float32Array {
    if (boxes.length !== anchors.length || boxes.length % 4 !== 0) {
      throw new RangeError(`BoxCoder.encode: boxes (${boxes.length}) and anchors (${anchors.length}) must both be 4·N`);
    }
    const [wx, wy, ww, wh] = this.weights;
    const out = new Float32Array(boxes.length);
    for (let k = 0; k < boxes.length; k += 4) {
      const aw = anchors[k + 2] - anchors[k];
      const ah = anchors[k + 3] - anchors[k + 1];
      const ax = anchors[k] + 0.5 * aw;
      const ay = anchors[k + 1] + 0.5 * ah;
      const bw = boxes[k + 2] - boxes[k];
      const bh = boxes[k + 3] - boxes[k + 1];
      const bx = boxes[k] + 0.5 * bw;
      const by = boxes[k + 1] + 0.5 * bh;
      out[k] = (wx * (bx - ax)) / aw;
      out[k + 1] = (wy * (by - ay)) / ah;
      out[k + 2] = ww * Math.log(bw / aw);
      out[k + 3] = wh * Math.log(bh / ah);
    }
    return out;
  }

  /** Boxes (4·N XYXY) that the deltas (4·N) make of the anchors (4·N XYXY). */
  decode(deltas: Float32Array, anchors: BoxArray): BoxArray {
    if (deltas.length !== anchors.length || deltas.length % 4 !== 0) {
      throw new RangeError(`BoxCoder.decode: deltas (${deltas.length}) and anchors (${anchors.length}) must both be 4·N`);
    }
    const out = new Float32Array(deltas.length);
    for (let k = 0; k < deltas.length; k += 4) this.decodeOne(deltas, k, anchors, k, out, k);
    return out;
  }

  /**
   * Decodes only the anchors listed in `indices` (for post-processing, which keeps a few
   * thousand candidates out of ~100k anchors): box r of the result is anchor `indices[r]`
   * moved by its deltas `deltas[4·indices[r] ..]`. Returns 4·R XYXY.
   */
  decodeAt(deltas: Float32Array, anchors: BoxArray, indices: ArrayLike<number>): BoxArray {
    const out = new Float32Array(indices.length * 4);
    for (let r = 0; r < indices.length; r++) {
      const k = indices[r] * 4;
      if (k < 0 || k + 4 > anchors.length || k + 4 > deltas.length) {
        throw new RangeError(`BoxCoder.decodeAt: index ${indices[r]} is outside the ${anchors.length / 4} anchors`);
      }
      this.decodeOne(deltas, k, anchors, k, out, 4 * r);
    }
    return out;
  }

  private decodeOne(deltas: Float32Array, d: number, anchors: BoxArray, a: number, out: Float32Array, o: number): void {
    const [wx, wy, ww, wh] = this.weights;
    const aw = anchors[a + 2] - anchors[a];
    const ah = anchors[a + 3] - anchors[a + 1];
    const ax = anchors[a] + 0.5 * aw;
    const ay = anchors[a + 1] + 0.5 * ah;
    const dx = deltas[d] / wx;
    const dy = deltas[d + 1] / wy;
    // Clamp only from above, as torchvision and detectron2 do: a very negative t_w just makes a tiny box.
    const dw = Math.min(deltas[d + 2] / ww, this.scaleClamp);
    const dh = Math.min(deltas[d + 3] / wh, this.scaleClamp);
    const cx = dx * aw + ax;
    const cy = dy * ah + ay;
    const hw = 0.5 * Math.exp(dw) * aw;
    const hh = 0.5 * Math.exp(dh) * ah;
    out[o] = cx - hw;
    out[o + 1] = cy - hh;
    out[o + 2] = cx + hw;
    out[o + 3] = cy + hh;
  }
}
