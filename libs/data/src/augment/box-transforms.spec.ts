import fc from 'fast-check';
import type { ImageMeta } from '@ablate/detection';
import { drawSampleTransform } from './augment-params';
import { boxesToInput, boxesToOriginal, clipAndFilterBoxes, flipBoxesHorizontal } from './box-transforms';
import { Rng } from '../synthetic/prng';

/** Random XYXY boxes inside a w×h image (x1 < x2, y1 < y2). */
const imageWithBoxes = fc
  .record({ w: fc.integer({ min: 8, max: 900 }), h: fc.integer({ min: 8, max: 900 }), n: fc.integer({ min: 0, max: 6 }), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }) })
  .map(({ w, h, n, seed }) => {
    const rng = new Rng(seed);
    const boxes = new Float32Array(n * 4);
    for (let k = 0; k < n; k++) {
      const x1 = rng.uniform(0, w - 2);
      const y1 = rng.uniform(0, h - 2);
      boxes.set([x1, y1, rng.uniform(x1 + 1, w), rng.uniform(y1 + 1, h)], 4 * k);
    }
    return { w, h, boxes, labels: Int32Array.from({ length: n }, (_, k) => k), seed };
  });

const AUGMENT = { flip: true, scaleJitter: [0.5, 1.6] as [number, number], photometric: true };

describe('box transforms', () => {
  it('flips by hand: [2, 3, 5, 7] in a 10-wide image → [10−5, 3, 10−2, 7] = [5, 3, 8, 7]', () => {
    expect(Array.from(flipBoxesHorizontal(Float32Array.of(2, 3, 5, 7), 10))).toEqual([5, 3, 8, 7]);
  });

  it('letterboxes by hand: scale 0.5, pad (4, 1), flipped in a 32 input', () => {
    const meta: ImageMeta = { imageId: 1, originalWidth: 40, originalHeight: 20, scale: 0.5, padX: 4, padY: 1, flipped: true };
    // [10, 2, 30, 12]·0.5 + (4, 1) = [9, 2, 19, 7]; mirrored in 32: [32−19, 2, 32−9, 7] = [13, 2, 23, 7].
    expect(Array.from(boxesToInput(Float32Array.of(10, 2, 30, 12), meta, 32))).toEqual([13, 2, 23, 7]);
    expect(Array.from(boxesToOriginal(Float32Array.of(13, 2, 23, 7), meta, 32))).toEqual([10, 2, 30, 12]);
  });

  it('clips and drops by visible area: a box half out survives 0.3, one 80 % out does not', () => {
    // 10×10 image. [5, 0, 15, 10]: visible [5, 0, 10, 10] = 50 of 100. [8, 0, 18, 10]: 20 of 100.
    const out = clipAndFilterBoxes({ boxes: Float32Array.of(5, 0, 15, 10, 8, 0, 18, 10, 20, 20, 30, 30), labels: Int32Array.of(1, 2, 3) }, 10, 10, 0.3);
    expect(Array.from(out.boxes)).toEqual([5, 0, 10, 10]);
    expect(Array.from(out.labels)).toEqual([1]);
  });

  it('property: flipping twice is the identity', () => {
    fc.assert(
      fc.property(imageWithBoxes, ({ w, boxes }) => {
        const twice = flipBoxesHorizontal(flipBoxesHorizontal(boxes, w), w);
        return twice.every((v, i) => Math.abs(v - boxes[i]!) <= 1e-3 * w);
      }),
    );
  });

  it('property: letterbox then inverse recovers the original boxes (with jitter, crop and flip)', () => {
    fc.assert(
      fc.property(imageWithBoxes, fc.integer({ min: 32, max: 640 }), ({ w, h, boxes, seed }, size) => {
        const { meta } = drawSampleTransform(1, w, h, size, AUGMENT, new Rng(seed));
        const back = boxesToOriginal(boxesToInput(boxes, meta, size), meta, size);
        // float32 rounding in input pixels (≤ ~1e-4 of the size), divided by the scale.
        return back.every((v, i) => Math.abs(v - boxes[i]!) <= (1e-3 * size) / meta.scale + 1e-3);
      }),
    );
  });

  it('property: after augmentation every kept box lies inside the input, with positive size', () => {
    fc.assert(
      fc.property(imageWithBoxes, fc.integer({ min: 32, max: 640 }), fc.double({ min: 0, max: 1, noNaN: true }), ({ w, h, boxes, labels, seed }, size, minVisible) => {
        const { meta } = drawSampleTransform(1, w, h, size, AUGMENT, new Rng(seed));
        const out = clipAndFilterBoxes({ boxes: boxesToInput(boxes, meta, size), labels }, size, size, minVisible);
        for (let k = 0; k < out.labels.length; k++) {
          const [x1, y1, x2, y2] = out.boxes.subarray(4 * k, 4 * k + 4) as unknown as number[];
          if (!(x1! >= 0 && y1! >= 0 && x2! <= size && y2! <= size && x2! > x1! && y2! > y1!)) return false;
        }
        return out.boxes.length === 4 * out.labels.length;
      }),
    );
  });

  it('property: without jitter the letterbox fits the image exactly (longer side = input size, pad 0)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 16, max: 1024 }), (w, h, size) => {
        const { meta } = drawSampleTransform(1, w, h, size, undefined, new Rng(0));
        return Math.abs(Math.max(w, h) * meta.scale - size) < 1e-6 * size && meta.padX === 0 && meta.padY === 0 && !meta.flipped;
      }),
    );
  });
});
