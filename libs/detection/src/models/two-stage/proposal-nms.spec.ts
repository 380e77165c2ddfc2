import { batchedNms } from '../../postprocess';
import { mulberry32 } from '../../nn';
import { gridBatchedNms } from './proposal-nms';

/** n boxes in a 128-px image, clustered around a few centres (as decoded proposals are), sides 2–60 px, some degenerate. */
function proposals(seed: number, n: number, numClasses: number): { boxes: Float32Array; scores: Float32Array; classes: Int32Array } {
  const rand = mulberry32(seed);
  const centres = Array.from({ length: 6 }, () => [rand() * 128, rand() * 128]);
  const boxes = new Float32Array(4 * n);
  const scores = new Float32Array(n);
  const classes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [cx, cy] = centres[i % centres.length]!;
    const w = 2 + rand() * 58;
    const h = i % 97 === 0 ? 0 : w * (0.7 + 0.6 * rand());
    const x = Math.min(128, Math.max(0, cx! + (rand() - 0.5) * 30 - w / 2));
    const y = Math.min(128, Math.max(0, cy! + (rand() - 0.5) * 30 - h / 2));
    boxes.set([x, y, Math.min(128, x + w), Math.min(128, y + h)], 4 * i);
    // Coarse scores: many ties, visited in index order.
    scores[i] = Math.round(rand() * 50) / 50;
    classes[i] = i % numClasses;
  }
  return { boxes, scores, classes };
}

describe('gridBatchedNms', () => {
  it.each([
    [1, 2000, 5, 0.7, Infinity],
    [2, 2000, 1, 0.5, Infinity],
    [3, 1500, 3, 0.3, 400],
    [4, 300, 2, 0, Infinity],
    [5, 2500, 5, 0.9, 2000],
  ])('keeps the same boxes in the same order as batchedNms (seed %i, %i boxes, %i classes, IoU %f, max %f)', (seed, n, k, iou, max) => {
    const { boxes, scores, classes } = proposals(seed, n, k);
    const expected = batchedNms(boxes, scores, classes, iou, max);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(n);
    expect(Array.from(gridBatchedNms(boxes, scores, classes, iou, max))).toEqual(Array.from(expected));
  });

  it('agrees with batchedNms on 40 images of jittered copies (IoUs near every threshold), boxes of 1–128 px', () => {
    let suppressed = 0;
    for (let seed = 10; seed < 50; seed++) {
      const rand = mulberry32(seed);
      const n = 600;
      const boxes = new Float32Array(4 * n);
      const scores = new Float32Array(n);
      const classes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        // Every 4th box a fresh one, the others small shifts and rescalings of the one before.
        const fresh = i % 4 === 0;
        const w = fresh ? 1 + rand() * 127 : (boxes[4 * (i - 1) + 2]! - boxes[4 * (i - 1)]!) * (0.8 + 0.4 * rand());
        const h = fresh ? w * (0.5 + rand()) : (boxes[4 * (i - 1) + 3]! - boxes[4 * (i - 1) + 1]!) * (0.8 + 0.4 * rand());
        const x = fresh ? rand() * (128 - w) : boxes[4 * (i - 1)]! + (rand() - 0.5) * 0.4 * w;
        const y = fresh ? rand() * 128 : boxes[4 * (i - 1) + 1]! + (rand() - 0.5) * 0.4 * h;
        boxes.set([x, y, x + w, y + h], 4 * i);
        scores[i] = rand();
        classes[i] = Math.floor(i / 4) % 3;
      }
      for (const iou of [0.3, 0.5, 0.6, 0.7, 0.8]) {
        const expected = batchedNms(boxes, scores, classes, iou);
        suppressed += n - expected.length;
        expect(Array.from(gridBatchedNms(boxes, scores, classes, iou))).toEqual(Array.from(expected));
      }
    }
    expect(suppressed).toBeGreaterThan(10_000);
  });

  it('agrees at an IoU exactly at the threshold (kept) and on non-finite boxes (falls back)', () => {
    // Two 10×10 boxes offset by 5 px share 50 of 150 px²: IoU 1/3.
    const boxes = Float32Array.of(0, 0, 10, 10, 5, 0, 15, 10, 40, 40, 50, 50);
    const scores = Float32Array.of(0.9, 0.8, 0.7);
    const classes = Int32Array.of(0, 0, 0);
    expect(Array.from(gridBatchedNms(boxes, scores, classes, 1 / 3))).toEqual(Array.from(batchedNms(boxes, scores, classes, 1 / 3)));
    expect(Array.from(gridBatchedNms(boxes, scores, classes, 0.3))).toEqual([0, 2]);
    const bad = Float32Array.of(0, 0, 10, 10, 1, 0, Infinity, 10, 40, 40, 50, 50);
    expect(Array.from(gridBatchedNms(bad, scores, classes, 0.5))).toEqual(Array.from(batchedNms(bad, scores, classes, 0.5)));
    expect(gridBatchedNms(new Float32Array(0), new Float32Array(0), new Int32Array(0), 0.7)).toEqual(new Int32Array(0));
  });
});
