import fc from 'fast-check';
import { BOX_SCALE_CLAMP, FASTER_RCNN_BOX_WEIGHTS } from '../config';
import { BoxCoder } from './box-coder';

// Anchor (0,0,10,10): centre (5,5), size 10×10. Box (2,4,22,14): centre (12,9), size 20×10.
const ANCHOR = Float32Array.from([0, 0, 10, 10]);
const BOX = Float32Array.from([2, 4, 22, 14]);

describe('BoxCoder', () => {
  it('encodes with the R-CNN parametrisation', () => {
    // t_x = (12 − 5)/10 = 0.7, t_y = (9 − 5)/10 = 0.4, t_w = log(20/10) = log 2, t_h = log(10/10) = 0.
    const d = new BoxCoder().encode(BOX, ANCHOR);
    [0.7, 0.4, Math.LN2, 0].forEach((v, k) => expect(d[k]).toBeCloseTo(v, 6));
  });

  it('applies the Faster R-CNN weights (10, 10, 5, 5) and undoes them when decoding', () => {
    const coder = new BoxCoder({ weights: FASTER_RCNN_BOX_WEIGHTS });
    const d = coder.encode(BOX, ANCHOR);
    // 10·0.7 = 7, 10·0.4 = 4, 5·log 2, 5·0 = 0.
    [7, 4, 5 * Math.LN2, 0].forEach((v, k) => expect(d[k]).toBeCloseTo(v, 5));
    Array.from(coder.decode(d, ANCHOR)).forEach((v, k) => expect(v).toBeCloseTo(BOX[k], 4));
  });

  it('decodes zero deltas to the anchor itself', () => {
    const anchors = Float32Array.from([0, 0, 10, 10, -3, 4, 5, 20]);
    expect(Array.from(new BoxCoder().decode(new Float32Array(8), anchors))).toEqual(Array.from(anchors));
  });

  it('clamps t_w and t_h at log(1000/16) before exp, only from above', () => {
    const d = Float32Array.from([0, 0, 100, -100]);
    const [x1, y1, x2, y2] = new BoxCoder().decode(d, ANCHOR);
    // w = 10 · exp(log(1000/16)) = 625 around x = 5: x1 = 5 − 312.5, x2 = 5 + 312.5.
    expect(x1).toBeCloseTo(-307.5, 3);
    expect(x2).toBeCloseTo(317.5, 3);
    // t_h = −100 is not clamped: h = 10·e^−100 ≈ 0, so y1 = y2 = 5.
    expect(y1).toBeCloseTo(5, 6);
    expect(y2).toBeCloseTo(5, 6);
    expect(new BoxCoder().scaleClamp).toBe(BOX_SCALE_CLAMP);
  });

  it('decodeAt decodes only the listed anchors', () => {
    const anchors = Float32Array.from([0, 0, 10, 10, 100, 100, 110, 110]);
    const deltas = Float32Array.from([0, 0, 0, 0, 0.5, 0, 0, 0]);
    // Anchor 1 moved by 0.5·10 = 5 to the right.
    expect(Array.from(new BoxCoder().decodeAt(deltas, anchors, [1, 0]))).toEqual([105, 100, 115, 110, 0, 0, 10, 10]);
    expect(() => new BoxCoder().decodeAt(deltas, anchors, [2])).toThrow(/index 2 is outside the 2 anchors/);
  });

  it('handles empty inputs and rejects mismatched lengths or bad weights', () => {
    expect(new BoxCoder().encode(new Float32Array(0), new Float32Array(0)).length).toBe(0);
    expect(() => new BoxCoder().encode(BOX, new Float32Array(8))).toThrow(/must both be 4·N/);
    expect(() => new BoxCoder({ weights: [1, 1, 0, 1] })).toThrow(/four positive numbers/);
  });

  it('decode ∘ encode is the identity (property)', () => {
    const coordinate = fc.double({ min: -200, max: 200, noNaN: true });
    const size = fc.double({ min: 1, max: 60, noNaN: true });
    const box = fc
      .tuple(coordinate, coordinate, size, size)
      .map(([x, y, w, h]) => [x, y, x + w, y + h]);
    for (const weights of [[1, 1, 1, 1], [10, 10, 5, 5]]) {
      const coder = new BoxCoder({ weights });
      fc.assert(
        fc.property(box, box, (b, a) => {
          const boxes = Float32Array.from(b);
          const back = coder.decode(coder.encode(boxes, Float32Array.from(a)), Float32Array.from(a));
          // float32 throughout: coordinates up to ~300 agree to ~1e-4.
          back.forEach((v, k) => expect(Math.abs(v - boxes[k])).toBeLessThan(2e-3));
        }),
      );
    }
  });

  it('encode ∘ decode is the identity on deltas inside the clamp (property)', () => {
    const delta = fc.double({ min: -2, max: 2, noNaN: true });
    const anchor = fc
      .tuple(fc.integer({ min: -100, max: 100 }), fc.integer({ min: -100, max: 100 }), fc.integer({ min: 4, max: 300 }), fc.integer({ min: 4, max: 300 }))
      .map(([x, y, w, h]) => [x, y, x + w, y + h]);
    const coder = new BoxCoder({ weights: [10, 10, 5, 5] });
    fc.assert(
      fc.property(fc.tuple(delta, delta, delta, delta), anchor, (d, a) => {
        const deltas = Float32Array.from(d);
        const anchors = Float32Array.from(a);
        const back = coder.encode(coder.decode(deltas, anchors), anchors);
        back.forEach((v, k) => expect(Math.abs(v - deltas[k])).toBeLessThan(1e-3));
      }),
    );
  });
});
