import type { CocoDataset } from './coco-format';
import { evaluateVoc, vocAp, VOC_ABSENT } from './voc-eval';

describe('vocAp', () => {
  // One curve: a true positive (recall .5, precision 1) then a false positive and a true
  // positive (recall 1, precision 2/3), as [TP, FP, TP] over 2 positives.
  const recall = [0.5, 0.5, 1];
  const precision = [1, 0.5, 2 / 3];

  it('VOC2007: the mean of the interpolated precision at recall 0, .1, …, 1', () => {
    // p_interp(r) = max precision at recall ≥ r: 1 for r ≤ .5 (6 levels), 2/3 for .6 … 1 (5 levels).
    expect(vocAp(recall, precision, '07')).toBeCloseTo((6 * 1 + 5 * (2 / 3)) / 11, 15);
  });

  it('VOC2010+: the area under the interpolated curve', () => {
    // Envelope 1 on (0, .5], 2/3 on (.5, 1]: .5 · 1 + .5 · 2/3.
    expect(vocAp(recall, precision, '10')).toBeCloseTo(0.5 + 0.5 * (2 / 3), 15);
  });

  it('counts recall never reached as precision 0', () => {
    // Recall stops at .5 with precision 1: '10' gives .5; '07' gives 6/11 (levels 0 … .5).
    expect(vocAp([0.5], [1], '10')).toBe(0.5);
    expect(vocAp([0.5], [1], '07')).toBeCloseTo(6 / 11, 15);
    expect(vocAp([], [], '10')).toBe(0);
  });
});

describe('evaluateVoc', () => {
  const gt: CocoDataset = {
    images: [{ id: 1 }],
    categories: [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100 },
      { id: 2, image_id: 1, category_id: 1, bbox: [50, 50, 10, 10], area: 100, difficult: true },
    ],
  };

  it('ignores detections of difficult objects and counts duplicates as false positives', () => {
    // .9 on the difficult box: neither TP nor FP. .8 on the real box: TP (recall 1, precision 1).
    // .7 on the real box again: a duplicate, FP (precision 1/2 at recall 1). Envelope 1 → AP 1.
    // Were the difficult detection a false positive, precision at recall 1 would be 1/2.
    const dets = [
      { image_id: 1, category_id: 1, bbox: [50, 50, 10, 10] as [number, number, number, number], score: 0.9 },
      { image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] as [number, number, number, number], score: 0.8 },
      { image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] as [number, number, number, number], score: 0.7 },
    ];
    for (const metric of ['07', '10'] as const) {
      const result = evaluateVoc(gt, dets, { metric });
      expect(result.perCategory[0]).toEqual({ categoryId: 1, ap: 1, numPositives: 1 });
      // Category 2 has no GT: left out of the mean.
      expect(result.perCategory[1].ap).toBe(VOC_ABSENT);
      expect(result.mAP).toBe(1);
    }
  });

  it('matches at IoU ≥ 0.5 by default', () => {
    // [0,0,10,5] against [0,0,10,10]: IoU 50/100 = .5 exactly: a match. At .6 it is a miss.
    const dets = [{ image_id: 1, category_id: 1, bbox: [0, 0, 10, 5] as [number, number, number, number], score: 0.5 }];
    expect(evaluateVoc(gt, dets).mAP).toBe(1);
    expect(evaluateVoc(gt, dets, { iouThreshold: 0.6 }).mAP).toBe(0);
  });
});
