import { sampleBalanced, sampleRois } from './sample-rois';

/** A deterministic uniform [0, 1) source. */
function lcgRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('sampleBalanced', () => {
  it('fills the positive quota, then negatives, each without repetition', () => {
    // batch 16 · 0.25 = 4 positives of 10, 12 negatives of 100.
    const s = sampleBalanced(range(0, 10), range(100, 200), 16, 0.25, lcgRandom(1));
    expect(s.positives).toHaveLength(4);
    expect(s.negatives).toHaveLength(12);
    expect(new Set(s.positives).size).toBe(4);
    expect(new Set(s.negatives).size).toBe(12);
    expect(s.positives.every((p) => p < 10)).toBe(true);
    expect(s.negatives.every((n) => n >= 100)).toBe(true);
  });

  it('gives unused positive places to negatives, and takes everything when short', () => {
    // 2 positives < quota 4: 2 + 14 negatives. RPN style 1:1 of 256 with 3 positives, 5 negatives: all 8.
    const s = sampleBalanced([7, 8], range(100, 200), 16, 0.25, lcgRandom(2));
    expect([s.positives.length, s.negatives.length]).toEqual([2, 14]);
    const all = sampleBalanced([1, 2, 3], [4, 5, 6, 7, 8], 256, 0.5, lcgRandom(3));
    expect([...all.positives].sort()).toEqual([1, 2, 3]);
    expect([...all.negatives].sort()).toEqual([4, 5, 6, 7, 8]);
  });

  it('draws each candidate about equally often', () => {
    // 4000 draws of 1 from 4: each ~1000 (binomial sd ≈ 27; 850..1150 is > 5 sd).
    const random = lcgRandom(4);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[sampleBalanced([], [0, 1, 2, 3], 1, 0, random).negatives[0]]++;
    for (const c of counts) {
      expect(c).toBeGreaterThan(850);
      expect(c).toBeLessThan(1150);
    }
  });
});

describe('sampleRois', () => {
  // GT: [0,0,10,10] (label 2) and [20,20,30,30] (label 0).
  const gt = [0, 0, 10, 10, 20, 20, 30, 30];
  const labels = [2, 0];
  // Proposals and their best IoU:
  //  0: [0,0,10,5]   with GT0: 50/100 = 0.5 → foreground (≥ 0.5), label 3
  //  1: [20,20,30,29] with GT1: 90/100 = 0.9 → foreground, label 1
  //  2: [0,0,10,4]   40/100 = 0.4 → background
  //  3: [0,0,10,0.5] 5/100 = 0.05 → background in [0, 0.5), not in [0.1, 0.5)
  //  4: [50,50,60,60] 0 → background in [0, 0.5) only
  const proposals = [0, 0, 10, 5, 20, 20, 30, 29, 0, 0, 10, 4, 0, 0, 10, 0.5, 50, 50, 60, 60];

  it('labels by the best GT: foreground at IoU ≥ 0.5 with GT label + 1, background 0', () => {
    const s = sampleRois(proposals, gt, labels, { appendGroundTruth: false, batchSize: 8, positiveFraction: 0.5, random: lcgRandom(5) });
    // 2 foreground (quota 4), then all 3 background.
    expect(s.count).toBe(5);
    const fg = [0, 1].map((k) => [s.labels[k], s.matchedGt[k], Math.round(s.maxIou[k] * 10) / 10]).sort();
    expect(fg).toEqual([[1, 1, 0.9], [3, 0, 0.5]]);
    expect(Array.from(s.labels.slice(2))).toEqual([0, 0, 0]);
    expect(Array.from(s.matchedGt.slice(2))).toEqual([-1, -1, -1]);
  });

  it('takes hard negatives only in [0.1, 0.5) when asked, and appends the GT boxes as foreground', () => {
    const s = sampleRois(proposals, gt, labels, { backgroundIou: [0.1, 0.5], batchSize: 8, positiveFraction: 0.5, random: lcgRandom(6) });
    // Foreground: proposals 0, 1 and the two GT boxes (IoU 1): 4 = the quota. Background: only
    // proposal 2 (IoU 0.4); proposals 3 (0.05) and 4 (0) are outside [0.1, 0.5).
    expect(s.count).toBe(5);
    expect(Array.from(s.labels.slice(0, 4)).sort()).toEqual([1, 1, 3, 3]);
    expect(Array.from(s.boxes.slice(16, 20))).toEqual([0, 0, 10, 4]);
  });

  it('caps foreground at 25 % of the batch', () => {
    // 40 copies of proposal 0 (all foreground) and 40 of proposal 4: batch 16 → 4 fg + 12 bg.
    const many = [...Array(40).fill([0, 0, 10, 5]).flat(), ...Array(40).fill([50, 50, 60, 60]).flat()];
    const s = sampleRois(many, gt, labels, { batchSize: 16, random: lcgRandom(7) });
    expect(s.count).toBe(16);
    expect(Array.from(s.labels).filter((l) => l > 0)).toHaveLength(4);
  });

  it('makes everything background without GT', () => {
    const s = sampleRois(proposals, [], [], { batchSize: 4, random: lcgRandom(8) });
    expect([s.count, Array.from(s.labels)]).toEqual([4, [0, 0, 0, 0]]);
  });
});
