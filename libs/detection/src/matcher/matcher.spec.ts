import fc from 'fast-check';
import { generateAnchors } from '../anchors';
import { packWithArea, packedIou } from '../boxes';
import { BELOW_LOW_THRESHOLD, BETWEEN_THRESHOLDS, MATCH_BACKGROUND, MATCH_IGNORE } from './match-sentinels';
import { type MatcherOptions, RETINANET_MATCHER, RPN_MATCHER, matchAnchors } from './matcher';

const f32 = (xs: number[]) => Float32Array.from(xs);

/** The torchvision Matcher, written directly on the full IoU matrix: the reference. */
function referenceMatch(anchors: Float32Array, gt: Float32Array, o: MatcherOptions): Int32Array {
  const a = anchors.length / 4;
  const g = gt.length / 4;
  const out = new Int32Array(a).fill(-1);
  if (g === 0) return out;
  // G × A in doubles, as matchAnchors computes (float32 rounding could move an IoU across 0.7).
  const pg = packWithArea(gt);
  const pa = packWithArea(anchors);
  const m = new Float64Array(g * a);
  for (let j = 0; j < g; j++) for (let i = 0; i < a; i++) m[j * a + i] = packedIou(pg, 5 * j, pa, 5 * i);
  const best = new Int32Array(a);
  for (let i = 0; i < a; i++) {
    let v = -1;
    for (let j = 0; j < g; j++) if (m[j * a + i] > v) [v, best[i]] = [m[j * a + i], j];
    out[i] = v >= o.fgIouThreshold ? best[i] : v >= o.bgIouThreshold ? -2 : -1;
  }
  if (o.allowLowQualityMatches) {
    for (let j = 0; j < g; j++) {
      let top = 0;
      for (let i = 0; i < a; i++) top = Math.max(top, m[j * a + i]);
      if (top > 0) for (let i = 0; i < a; i++) if (m[j * a + i] === top) out[i] = best[i];
    }
  }
  return out;
}

describe('matchAnchors', () => {
  it('names its sentinels as torchvision does', () => {
    expect([BELOW_LOW_THRESHOLD, BETWEEN_THRESHOLDS, MATCH_BACKGROUND, MATCH_IGNORE]).toEqual([-1, -2, -1, -2]);
  });

  it('applies the RetinaNet thresholds: ≥ 0.5 foreground, < 0.4 background, in between ignored', () => {
    const gt = f32([0, 0, 10, 10]);
    // Anchors 10 wide and h tall inside the GT: IoU = 10h / 100.
    // h = 10 → 1.0, 5 → 0.5 (exactly fg), 4.5 → 0.45, 4 → 0.4 (exactly bg: ignored, not < 0.4), 3 → 0.3.
    const anchors = f32([0, 0, 10, 10, 0, 0, 10, 5, 0, 0, 10, 4.5, 0, 0, 10, 4, 0, 0, 10, 3]);
    expect(Array.from(matchAnchors(anchors, gt, RETINANET_MATCHER))).toEqual([0, 0, -2, -2, -1]);
  });

  it('assigns an anchor to the ground truth it overlaps most, the lower index on a tie', () => {
    const gt = f32([0, 0, 10, 10, 20, 0, 30, 10, 0, 0, 10, 10]); // GT 2 duplicates GT 0
    const anchors = f32([21, 0, 31, 10, 0, 0, 10, 10]);
    // Anchor 0 vs GT 1: overlap 9·10 = 90, union 110 → 0.818. Anchor 1 equals GT 0 and GT 2 → GT 0.
    expect(Array.from(matchAnchors(anchors, gt))).toEqual([1, 0]);
  });

  it('makes every anchor background when there is no ground truth, and handles no anchors', () => {
    const anchors = generateAnchors({ levels: [3] }, 32).anchors;
    const m = matchAnchors(anchors, new Float32Array(0));
    expect(m.length).toBe(anchors.length / 4);
    expect(m.every((v) => v === MATCH_BACKGROUND)).toBe(true);
    expect(matchAnchors(new Float32Array(0), f32([0, 0, 1, 1])).length).toBe(0);
  });

  it('never matches a zero-area ground truth', () => {
    const anchors = f32([0, 0, 10, 10, 5, 5, 15, 15]);
    expect(Array.from(matchAnchors(anchors, f32([5, 5, 5, 5]), RETINANET_MATCHER))).toEqual([-1, -1]);
    expect(Array.from(matchAnchors(anchors, f32([5, 5, 5, 5]), RPN_MATCHER))).toEqual([-1, -1]);
  });

  it('RPN preset: adds each ground truth’s best anchors, ties included, below the thresholds', () => {
    const gt = f32([0, 0, 10, 10]);
    // Top half and bottom half: IoU 0.5 each (a tie for best); a thin strip: IoU 0.2.
    const anchors = f32([0, 0, 10, 5, 0, 5, 10, 10, 0, 0, 10, 2]);
    // Without low-quality matches 0.5 is between 0.3 and 0.7: ignored.
    expect(Array.from(matchAnchors(anchors, gt, { ...RPN_MATCHER, allowLowQualityMatches: false }))).toEqual([-2, -2, -1]);
    expect(Array.from(matchAnchors(anchors, gt, RPN_MATCHER))).toEqual([0, 0, -1]);
  });

  it('RPN preset: a low-quality match takes the anchor’s own best ground truth (torchvision)', () => {
    // GT 0 = (0,0,20,20), GT 1 = (0,0,8,8); anchor 0 = (0,0,10,10): IoU 100/400 = 0.25 with GT 0,
    // 64/100 = 0.64 with GT 1. It is the best anchor of both GTs, and gets GT 1, its own best.
    // Anchor 1 = (10,10,30,30): IoU with GT 0 = 100/700 = 0.14 → background.
    const gt = f32([0, 0, 20, 20, 0, 0, 8, 8]);
    const anchors = f32([0, 0, 10, 10, 10, 10, 30, 30]);
    expect(Array.from(matchAnchors(anchors, gt, RPN_MATCHER))).toEqual([1, -1]);
  });

  it('rejects a background threshold above the foreground one', () => {
    expect(() => matchAnchors(f32([0, 0, 1, 1]), f32([0, 0, 1, 1]), { fgIouThreshold: 0.3, bgIouThreshold: 0.5 })).toThrow(
      /bgIouThreshold \(0.5\) must not exceed fgIouThreshold \(0.3\)/,
    );
  });

  it('agrees with the full-matrix torchvision matcher on random boxes, both presets (property)', () => {
    // Integer boxes on a small grid make IoU ties (and so the tie rules) frequent.
    const box = fc
      .tuple(fc.nat(20), fc.nat(20), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 }))
      .map(([x, y, w, h]) => [x, y, x + w, y + h]);
    fc.assert(
      fc.property(fc.array(box, { maxLength: 40 }), fc.array(box, { maxLength: 6 }), (as, gs) => {
        const anchors = f32(as.flat());
        const gt = f32(gs.flat());
        for (const preset of [RETINANET_MATCHER, RPN_MATCHER]) {
          expect(Array.from(matchAnchors(anchors, gt, preset))).toEqual(Array.from(referenceMatch(anchors, gt, preset)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('handles ~200k anchors × 100 ground truths (RetinaNet anchors of a 1024 px image)', () => {
    const anchors = generateAnchors({}, 1024).anchors; // 128²·9 + 64²·9 + 32²·9 + 16²·9 + 8²·9 = 196,416
    expect(anchors.length / 4).toBe(196_416);
    const gt = new Float32Array(400);
    for (let j = 0; j < 100; j++) {
      // Deterministic boxes spread over the image, 20–150 px.
      const x = (j * 97) % 900;
      const y = (j * 61) % 900;
      gt.set([x, y, x + 20 + ((j * 13) % 130), y + 20 + ((j * 29) % 130)], 4 * j);
    }
    const m = matchAnchors(anchors, gt, RPN_MATCHER);
    // Check a sample of anchors against the reference on just those anchors.
    const sample = new Float32Array(4 * 2000);
    for (let s = 0; s < 2000; s++) sample.set(anchors.subarray(4 * s * 97, 4 * s * 97 + 4), 4 * s);
    const ref = referenceMatch(sample, gt, { ...RPN_MATCHER, allowLowQualityMatches: false });
    for (let s = 0; s < 2000; s++) if (ref[s] >= 0) expect(m[s * 97]).toBe(ref[s]);
    // With these spread-out boxes every GT ends up with anchors (the low-quality rule guarantees one
    // candidate per GT; here no GT's best anchor prefers another GT).
    const matched = new Set(Array.from(m).filter((v) => v >= 0));
    expect(matched.size).toBe(100);
  });
});
