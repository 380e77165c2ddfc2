import { buildTargets } from './targets';

describe('buildTargets', () => {
  // Four anchors against one ground truth [0, 0, 10, 10] of class 1 (C = 2):
  //   a0 = the box itself            IoU 1                 → positive
  //   a1 = [0, 0, 10, 14]            IoU 100/140 = 0.714   → positive
  //   a2 = [0, 0, 10, 22]            IoU 100/220 = 0.455   → ignored (0.4 ≤ IoU < 0.5)
  //   a3 = [0, 0, 10, 26]            IoU 100/260 = 0.385   → background
  const anchors = new Float32Array([0, 0, 10, 10, 0, 0, 10, 14, 0, 0, 10, 22, 0, 0, 10, 26]);
  const gt = [new Float32Array([0, 0, 10, 10])];
  const labels = [new Int32Array([1])];

  it('one-hot classes on positives, zero weight on ignored anchors', () => {
    const t = buildTargets(anchors, gt, labels, 2);
    expect(t.numPositives).toBe(2);
    expect(Array.from(t.classTargets)).toEqual([0, 1, 0, 1, 0, 0, 0, 0]);
    expect(Array.from(t.classWeights)).toEqual([1, 1, 0, 1]);
    expect(Array.from(t.boxWeights)).toEqual([1, 1, 0, 0]);
  });

  it('encodes the positives with the RetinaNet BoxCoder', () => {
    const t = buildTargets(anchors, gt, labels, 2);
    // a0: identical → 0 deltas. a1: centre y 5 vs 7 → t_y = (5 − 7)/14 = −0.142857; t_h = log(10/14) = −0.336472
    expect(Array.from(t.boxTargets.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    const d1 = Array.from(t.boxTargets.subarray(4, 8));
    expect(d1[0]).toBeCloseTo(0, 6);
    expect(d1[1]).toBeCloseTo(-0.142857, 5);
    expect(d1[2]).toBeCloseTo(0, 6);
    expect(d1[3]).toBeCloseTo(-0.336472, 5);
    expect(Array.from(t.boxTargets.subarray(8))).toEqual(new Array(8).fill(0));
  });

  it('counts positives over the batch; an image without objects is all background', () => {
    const t = buildTargets(anchors, [gt[0], new Float32Array(0)], [labels[0], new Int32Array(0)], 2);
    expect(t.numPositives).toBe(2);
    expect(Array.from(t.classWeights.subarray(4))).toEqual([1, 1, 1, 1]);
    expect(t.classTargets.subarray(8).every((v) => v === 0)).toBe(true);
  });

  it('rejects a label outside [0, C)', () => {
    expect(() => buildTargets(anchors, gt, [new Int32Array([2])], 2)).toThrow(/label 2 outside \[0, 2\)/);
  });
});
