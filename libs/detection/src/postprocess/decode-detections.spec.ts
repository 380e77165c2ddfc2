import { generateAnchors } from '../anchors';
import { BoxCoder } from '../boxes';
import { decodeDetections } from './decode-detections';

// One level (P3) on a 16 px image, one 32 px square anchor per position: a 2×2 map, A = 4 anchors
// centred at (4,4), (12,4), (4,12), (12,12): (−12,−12,20,20), (−4,−12,28,20), (−12,−4,20,28), (−4,−4,28,28).
const SET = generateAnchors({ levels: [3], scalesPerOctave: 1, aspectRatios: [1], sizeMultiplier: 4 }, 16);
const C = 2;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function logits(entries: Array<[anchor: number, cls: number, logit: number]>): Float32Array {
  const out = new Float32Array(4 * C).fill(-10);
  for (const [a, c, v] of entries) out[a * C + c] = v;
  return out;
}

describe('decodeDetections', () => {
  it('thresholds, decodes, clips, suppresses per class and sorts by score', () => {
    const deltas = new Float32Array(16);
    // Anchor 3 moved right by 0.25·32 = 8 and halved in width: centre x 20, w 16 → (12, −4, 28, 28).
    deltas.set([0.25, 0, Math.log(0.5), 0], 12);
    const out = decodeDetections(logits([[0, 1, 2], [1, 1, 1], [3, 0, 0], [3, 1, -4]]), deltas, SET.anchors, SET.levelCounts, 16);
    // Anchors 0 and 1 clip to the same (0,0,16,16), class 1: the 0.731 one is suppressed by the 0.881 one.
    // Anchor 3, class 0, p = 0.5: (12,0,16,16) after clipping. Class 1 of anchor 3 (σ(−4) = 0.018) is below 0.05.
    expect(Array.from(out.classes)).toEqual([1, 0]);
    expect(out.scores[0]).toBeCloseTo(sigmoid(2), 6);
    expect(out.scores[1]).toBeCloseTo(0.5, 6);
    expect(Array.from(out.boxes)).toEqual([0, 0, 16, 16, 12, 0, 16, 16]);
  });

  it('honours scoreThreshold (strict), preNmsTopK per level, maxDetections and the NMS threshold', () => {
    const deltas = new Float32Array(16);
    const cls = logits([[0, 1, 2], [1, 1, 1], [3, 0, 0]]);
    const run = (o: Parameters<typeof decodeDetections>[5]) =>
      Array.from(decodeDetections(cls, deltas, SET.anchors, SET.levelCounts, 16, o).scores).map((s) => +s.toFixed(3));
    expect(run({ scoreThreshold: 0.5 })).toEqual([0.881]); // p = 0.5 is not > 0.5
    expect(run({ preNmsTopK: 1 })).toEqual([0.881]);
    expect(run({ maxDetections: 1 })).toEqual([0.881]);
    // Clipped boxes coincide (IoU 1): nothing survives within class 1 unless the threshold is 1.
    expect(run({ nmsIouThreshold: 1 })).toEqual([0.881, 0.731, 0.5]);
  });

  it('takes probabilities instead of logits, and a Faster R-CNN box coder', () => {
    const probs = new Float32Array(8);
    probs[3 * C + 1] = 0.6;
    const deltas = new Float32Array(16);
    deltas.set([2.5, 0, 0, 0], 12); // with weight 10: t_x = 0.25 → +8 px
    const out = decodeDetections(probs, deltas, SET.anchors, SET.levelCounts, 16, {
      inputs: 'probabilities',
      boxCoder: new BoxCoder({ weights: [10, 10, 5, 5] }),
    });
    expect(Array.from(out.scores)).toEqual([Math.fround(0.6)]);
    expect(Array.from(out.boxes)).toEqual([4, 0, 16, 16]); // (4, −4, 36, 28) clipped
  });

  it('selects the top-k per level, not over all levels', () => {
    const set = generateAnchors({ levels: [3, 4], scalesPerOctave: 1, aspectRatios: [1], sizeMultiplier: 1 }, 16);
    // Level 3: 2×2 anchors of 8 px; level 4: one 16 px anchor. One class.
    expect(set.levelCounts).toEqual([4, 1]);
    const cls = Float32Array.from([3, 2, 1, 0, -1]); // the level-4 anchor has the lowest score
    const out = decodeDetections(cls, new Float32Array(20), set.anchors, set.levelCounts, 16, { preNmsTopK: 1 });
    // Best of level 3 (anchor 0, σ(3)) and best of level 4 (anchor 4, σ(−1)); they overlap by 64/256 = 0.25.
    expect(out.scores.length).toBe(2);
    expect(out.scores[1]).toBeCloseTo(sigmoid(-1), 6);
    expect(Array.from(out.boxes.subarray(4))).toEqual([0, 0, 16, 16]);
  });

  it('returns nothing for no candidates or no anchors, and rejects inconsistent inputs', () => {
    expect(decodeDetections(new Float32Array(8).fill(-10), new Float32Array(16), SET.anchors, SET.levelCounts, 16).scores.length).toBe(0);
    expect(decodeDetections(new Float32Array(0), new Float32Array(0), new Float32Array(0), [], 16).boxes.length).toBe(0);
    expect(() => decodeDetections(new Float32Array(8), new Float32Array(16), SET.anchors, [3], 16)).toThrow(/levelCounts sum to 3/);
    expect(() => decodeDetections(new Float32Array(8), new Float32Array(12), SET.anchors, SET.levelCounts, 16)).toThrow(/boxDeltas/);
    expect(() => decodeDetections(new Float32Array(7), new Float32Array(16), SET.anchors, SET.levelCounts, 16)).toThrow(/classOutputs/);
  });
});
