import { area, boxArea } from './area';
import { clipBoxes } from './clip';

describe('area', () => {
  it('is width × height, 0 for zero-size and inverted boxes', () => {
    // (0,0,4,5): 4·5 = 20; (1,1,1,9): width 0; (5,5,3,8): x2 < x1, degenerate → 0 (not −6).
    expect(Array.from(area([0, 0, 4, 5, 1, 1, 1, 9, 5, 5, 3, 8]))).toEqual([20, 0, 0]);
    expect(boxArea(0, 0, 2.5, 2)).toBe(5);
    expect(area(new Float32Array(0)).length).toBe(0);
  });
});

describe('clipBoxes', () => {
  it('clips in place to [0, width] × [0, height]', () => {
    const boxes = Float32Array.from([-5, 3, 120, 40, 10, -1, 20, 90]);
    const out = clipBoxes(boxes, 100, 80);
    expect(out).toBe(boxes);
    expect(Array.from(out)).toEqual([0, 3, 100, 40, 10, 0, 20, 80]);
  });

  it('uses the width for the height of a square image', () => {
    expect(Array.from(clipBoxes(Float32Array.from([-1, -1, 70, 70]), 64))).toEqual([0, 0, 64, 64]);
  });
});
