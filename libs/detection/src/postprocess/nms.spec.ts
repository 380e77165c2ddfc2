import fc from 'fast-check';
import { packWithArea, packedIou } from '../boxes';
import { batchedNms, nms } from './nms';

const f32 = (xs: number[]) => Float32Array.from(xs);

/** torchvision's loop, written plainly: visit by score, keep, suppress all later boxes of the class above the threshold. */
function referenceNms(boxes: Float32Array, scores: number[], classes: number[], thr: number): number[] {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const p = packWithArea(boxes);
  const suppressed = new Set<number>();
  const keep: number[] = [];
  for (let r = 0; r < order.length; r++) {
    const i = order[r];
    if (suppressed.has(i)) continue;
    keep.push(i);
    for (let s = r + 1; s < order.length; s++) {
      const j = order[s];
      if (classes[j] === classes[i] && packedIou(p, 5 * i, p, 5 * j) > thr) suppressed.add(j);
    }
  }
  return keep;
}

describe('nms', () => {
  it('suppresses a box overlapping a higher-scored kept box above the threshold', () => {
    // b0 (0,0,10,10) 0.9; b1 (1,1,11,11) 0.8: overlap 9·9 = 81, union 119 → 0.68 > 0.5; b2 elsewhere.
    const boxes = f32([0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30]);
    expect(Array.from(nms(boxes, [0.9, 0.8, 0.7], 0.5))).toEqual([0, 2]);
    // At 0.7 the pair survives; output in descending score order.
    expect(Array.from(nms(boxes, [0.7, 0.8, 0.9], 0.7))).toEqual([2, 1, 0]);
  });

  it('suppresses only when IoU is strictly above the threshold', () => {
    // (0,0,10,10) and (0,5,10,15): overlap 50, union 150 → IoU exactly 1/3.
    const boxes = f32([0, 0, 10, 10, 0, 5, 10, 15]);
    expect(Array.from(nms(boxes, [0.9, 0.8], 1 / 3))).toEqual([0, 1]);
    expect(Array.from(nms(boxes, [0.9, 0.8], 0.33))).toEqual([0]);
  });

  it('is greedy: a suppressed box suppresses nothing', () => {
    // b0 (0,0,10,10), b1 (4,0,14,10), b2 (8,0,18,10): IoU(b0,b1) = 60/140 = 0.43, IoU(b1,b2) = 0.43,
    // IoU(b0,b2) = 20/180 = 0.11. At 0.4: b0 kills b1; b2 survives because b1 is gone.
    const boxes = f32([0, 0, 10, 10, 4, 0, 14, 10, 8, 0, 18, 10]);
    expect(Array.from(nms(boxes, [0.9, 0.8, 0.7], 0.4))).toEqual([0, 2]);
  });

  it('breaks score ties by the lower index', () => {
    const boxes = f32([0, 0, 10, 10, 0, 0, 10, 10, 50, 50, 60, 60, 0, 0, 10, 10]);
    expect(Array.from(nms(boxes, [0.5, 0.5, 0.5, 0.5], 0.5))).toEqual([0, 2]);
    expect(Array.from(nms(boxes, [0.4, 0.5, 0.5, 0.5], 0.5))).toEqual([1, 2]);
  });

  it('keeps zero-area boxes (IoU 0, never NaN) and handles empty input', () => {
    const boxes = f32([5, 5, 5, 5, 5, 5, 5, 5, 0, 0, 10, 10]);
    expect(Array.from(nms(boxes, [0.9, 0.8, 0.7], 0.5))).toEqual([0, 1, 2]);
    expect(nms(new Float32Array(0), [], 0.5).length).toBe(0);
  });

  it('stops at maxOutput, and rejects mismatched lengths', () => {
    const boxes = f32([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(Array.from(nms(boxes, [0.1, 0.3, 0.2], 0.5, 2))).toEqual([1, 2]);
    expect(() => nms(boxes, [1, 2], 0.5)).toThrow(/3 boxes but 2 scores/);
    expect(() => batchedNms(boxes, [1, 2, 3], [0], 0.5)).toThrow(/3 boxes but 1 classes/);
  });
});

describe('batchedNms', () => {
  it('never suppresses across classes', () => {
    const boxes = f32([0, 0, 10, 10, 1, 1, 11, 11, 0, 0, 10, 10]);
    // b1 (class 1) overlaps b0 (class 0) but survives; b2 (class 0) is a duplicate of b0.
    expect(Array.from(batchedNms(boxes, [0.9, 0.8, 0.7], [0, 1, 0], 0.5))).toEqual([0, 1]);
  });

  const box = fc
    .tuple(fc.nat(30), fc.nat(30), fc.nat(15), fc.nat(15))
    .map(([x, y, w, h]) => [x, y, x + w, y + h]);
  const cases = fc
    .array(fc.tuple(box, fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 })), { maxLength: 60 })
    .chain((rows) => fc.tuple(fc.constant(rows), fc.double({ min: 0, max: 1, noNaN: true })));

  it('equals torchvision’s loop, with ties in score (property)', () => {
    fc.assert(
      fc.property(cases, ([rows, thr]) => {
        const boxes = f32(rows.flatMap((r) => r[0]));
        // Few distinct scores: many ties. Float32 scores take descendingOrder's packed sort, doubles its comparator sort.
        const scores = rows.map((r) => r[1] / 5);
        const classes = rows.map((r) => r[2]);
        expect(Array.from(batchedNms(boxes, scores, classes, thr))).toEqual(referenceNms(boxes, scores, classes, thr));
        const scores32 = Float32Array.from(scores);
        expect(Array.from(batchedNms(boxes, scores32, classes, thr))).toEqual(referenceNms(boxes, Array.from(scores32), classes, thr));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps no same-class pair above the threshold, and every dropped box has a reason (property)', () => {
    fc.assert(
      fc.property(cases, ([rows, thr]) => {
        const boxes = f32(rows.flatMap((r) => r[0]));
        const scores = rows.map((r) => r[1] / 5);
        const classes = rows.map((r) => r[2]);
        const keep = Array.from(batchedNms(boxes, scores, classes, thr));
        const p = packWithArea(boxes);
        for (let a = 0; a < keep.length; a++) {
          if (a > 0) expect(scores[keep[a - 1]]).toBeGreaterThanOrEqual(scores[keep[a]]);
          for (let b = a + 1; b < keep.length; b++) {
            if (classes[keep[a]] === classes[keep[b]]) expect(packedIou(p, 5 * keep[a], p, 5 * keep[b])).toBeLessThanOrEqual(thr);
          }
        }
        const kept = new Set(keep);
        for (let i = 0; i < rows.length; i++) {
          if (kept.has(i)) continue;
          const cause = keep.some((k) => classes[k] === classes[i] && scores[k] >= scores[i] && packedIou(p, 5 * k, p, 5 * i) > thr);
          expect(cause).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
