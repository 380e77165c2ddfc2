import { evaluateCoco } from './coco-eval';
import type { CocoAnnotation, CocoDataset, CocoDetection } from './coco-format';
import { COCO_EVAL_IOU_THRESHOLDS, COCO_EVAL_RECALL_THRESHOLDS, numpyLinspace } from './coco-params';
import { formatCocoSummary, formatFixed } from './coco-summary';

type Box = [number, number, number, number];

function gtOf(anns: Partial<CocoAnnotation>[], imageIds = [1], categoryIds = [1]): CocoDataset {
  return {
    images: imageIds.map((id) => ({ id })),
    categories: categoryIds.map((id) => ({ id, name: `c${id}` })),
    annotations: anns.map((a, i) => ({
      id: i + 1,
      image_id: 1,
      category_id: 1,
      bbox: [0, 0, 10, 10] as Box,
      area: (a.bbox ?? [0, 0, 10, 10])[2] * (a.bbox ?? [0, 0, 10, 10])[3],
      iscrowd: 0 as const,
      ...a,
    })),
  };
}

function det(bbox: Box, score: number, image_id = 1, category_id = 1): CocoDetection {
  return { image_id, category_id, bbox, score };
}

/** 1/(1 + ε): pycocotools' precision after one true positive, tp / (tp + fp + np.spacing(1)). */
const ONE = 1 / (1 + Number.EPSILON);

describe('evaluateCoco on cases worked by hand', () => {
  it('one GT, a perfect detection first and a half-overlapping one second', () => {
    // GT [0,0,10,10] (area 100: small). D1 = GT (IoU 1, score .9) matches at every threshold;
    // D2 = [0,0,10,5] (IoU 50/100 = .5) finds the GT taken: a false positive. The curve
    // rc = [1, 1], pr = [1/(1+ε), 1/2] → envelope 1/(1+ε) at every recall threshold.
    const { stats } = evaluateCoco(gtOf([{}]), [det([0, 0, 10, 10], 0.9), det([0, 0, 10, 5], 0.8)]);
    expect(stats.AP).toBeCloseTo(ONE, 15);
    expect(stats.AP50).toBeCloseTo(ONE, 15);
    expect(stats.APs).toBeCloseTo(ONE, 15);
    // No GT is medium or large (area 100 < 32²): −1, as pycocotools prints.
    expect(stats.APm).toBe(-1);
    expect(stats.APl).toBe(-1);
    expect([stats.AR1, stats.AR10, stats.AR100, stats.ARs]).toEqual([1, 1, 1, 1]);
    expect(stats.ARm).toBe(-1);
  });

  it('the half-overlapping detection first: it matches only at IoU 0.50 (an IoU equal to the threshold matches)', () => {
    // t = .50: D2 (IoU exactly .5, score .9) takes the GT → precision 1 at every recall: AP_.50 = 1.
    // t ≥ .55: D2 misses (FP), D1 matches: rc = [0, 1], pr = [0, 1/2] → envelope .5 everywhere.
    // AP = (1 + 9 · 0.5) / 10 = 0.55; AR1 keeps only D2: recall 1 at .50, 0 above → 1/10.
    const { stats } = evaluateCoco(gtOf([{}]), [det([0, 0, 10, 5], 0.9), det([0, 0, 10, 10], 0.8)]);
    expect(stats.AP50).toBeCloseTo(ONE, 15);
    expect(stats.AP75).toBeCloseTo(0.5, 15);
    expect(stats.AP).toBeCloseTo((ONE + 9 * 0.5) / 10, 15);
    expect(stats.AR1).toBeCloseTo(0.1, 15);
    expect(stats.AR100).toBe(1);
  });

  it('detections inside a crowd region are ignored, however many', () => {
    // Crowd [20,0,40,40]: IoU with a detection is inter / (detection area) = 100/100 = 1, so
    // D1 and D3 match it (a crowd can be matched again) and are ignored; D2 takes the real GT.
    // npig = 1, one true positive and nothing else counted → AP = 1/(1+ε). Counting the crowd
    // matches as false positives would give rc = [0, 1, 1], AP 0.5.
    const gt = gtOf([{}, { bbox: [20, 0, 40, 40], area: 1600, iscrowd: 1 }]);
    const dets = [det([20, 0, 10, 10], 0.9), det([0, 0, 10, 10], 0.8), det([25, 5, 10, 10], 0.7)];
    expect(evaluateCoco(gt, dets).stats.AP).toBeCloseTo(ONE, 15);
  });

  it('orders equal scores across images by image id, not by file order', () => {
    // Images listed [2, 1]. Image 1: its detection misses (FP). Image 2: a perfect detection (TP).
    // Both score .5. pycocotools concatenates images in sorted-id order then sorts stably:
    // FP first → rc = [0, .5], pr = [0, .5]: precision .5 at recall thresholds 0 .. .50
    // (51 of the 101) and 0 beyond → AP = 51 · .5 / 101. (TP first would give 51 / 101.)
    const gt: CocoDataset = {
      images: [{ id: 2 }, { id: 1 }],
      categories: [{ id: 1, name: 'a' }],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100 },
        { id: 2, image_id: 2, category_id: 1, bbox: [0, 0, 10, 10], area: 100 },
      ],
    };
    const dets = [det([0, 0, 10, 10], 0.5, 2), det([50, 50, 10, 10], 0.5, 1)];
    expect(evaluateCoco(gt, dets).stats.AP).toBeCloseTo((51 * 0.5) / 101, 15);
  });

  it('an area on a range boundary counts in both ranges (both ends inclusive)', () => {
    // GT area 1024 = 32²: small is [0, 32²] and medium [32², 96²]. A perfect 32 × 32 detection
    // (area 1024) is in both too, so APs = APm = 1/(1+ε); nothing is large.
    const { stats } = evaluateCoco(gtOf([{ bbox: [0, 0, 32, 32], area: 1024 }]), [det([0, 0, 32, 32], 0.9)]);
    expect(stats.APs).toBeCloseTo(ONE, 15);
    expect(stats.APm).toBeCloseTo(ONE, 15);
    expect(stats.APl).toBe(-1);
  });

  it('leaves categories without GT out of the mean (−1 per category) and keeps their detections out', () => {
    // Category 1: one GT, one perfect detection → 1/(1+ε). Category 2: no GT, one detection.
    const gt = gtOf([{}], [1], [1, 2]);
    const result = evaluateCoco(gt, [det([0, 0, 10, 10], 0.9), det([0, 0, 10, 10], 0.95, 1, 2)]);
    expect(result.stats.AP).toBeCloseTo(ONE, 15);
    expect(result.perCategory).toEqual([
      { categoryId: 1, ap: expect.closeTo(ONE, 15) },
      { categoryId: 2, ap: -1 },
    ]);
  });

  it('keeps only the 100 best detections of an image and category', () => {
    // 100 misses scored .9 and the perfect detection scored .1: it is the 101st and is cut.
    const misses = Array.from({ length: 100 }, () => det([50, 50, 10, 10], 0.9));
    expect(evaluateCoco(gtOf([{}]), [...misses, det([0, 0, 10, 10], 0.1)]).stats.AR100).toBe(0);
    // With 99 misses it is the 100th: recall 1; precision at that point 1/100 → AP ≈ .01.
    const { stats } = evaluateCoco(gtOf([{}]), [...misses.slice(1), det([0, 0, 10, 10], 0.1)]);
    expect(stats.AR100).toBe(1);
    expect(stats.AP).toBeCloseTo(1 / (100 + Number.EPSILON), 15);
  });

  it('scores no detections as AP 0 and AR 0', () => {
    expect(evaluateCoco(gtOf([{}]), []).stats).toMatchObject({ AP: 0, AP50: 0, AR100: 0, APm: -1 });
  });

  it('returns precision [T, R, K, A, M] and recall [T, K, A, M]', () => {
    const result = evaluateCoco(gtOf([{}], [1], [1, 2]), [det([0, 0, 10, 5], 0.9), det([0, 0, 10, 10], 0.8)]);
    expect(result.precision.dims).toEqual([10, 101, 2, 4, 3]);
    expect(result.recall.dims).toEqual([10, 2, 4, 3]);
    const p = (t: number, r: number, k: number, a: number, m: number) => result.precision.data[(((t * 101 + r) * 2 + k) * 4 + a) * 3 + m];
    expect(p(0, 0, 0, 0, 2)).toBeCloseTo(ONE, 15); // t = .5: the first detection matches
    expect(p(1, 100, 0, 0, 2)).toBe(0.5); // t = .55, recall 1: envelope 1/2
    expect(p(0, 0, 1, 0, 2)).toBe(-1); // category 2 has no GT
  });

  it('uses numpy linspace thresholds to the last bit', () => {
    expect(COCO_EVAL_IOU_THRESHOLDS[7]).toBe(0.85); // 0.5 + 0.05·7 would be 0.8500000000000001
    expect(COCO_EVAL_IOU_THRESHOLDS[8]).toBe(0.8999999999999999); // numpy's value, not 0.9
    expect(COCO_EVAL_RECALL_THRESHOLDS).toHaveLength(101);
    expect(COCO_EVAL_RECALL_THRESHOLDS[100]).toBe(1);
    expect(numpyLinspace(0, 1, 3)).toEqual([0, 0.5, 1]);
  });

  it('prints the summary as pycocotools does, rounding ties to even like Python', () => {
    const { stats, params } = evaluateCoco(gtOf([{}]), [det([0, 0, 10, 10], 0.9)]);
    const lines = formatCocoSummary({ ...stats, AP: 0.0625 }, params);
    expect(lines[0]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.062');
    expect(lines[1]).toBe(' Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 1.000');
    expect(lines[3]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = 1.000');
    expect(lines[6]).toBe(' Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 1.000');
    expect(lines[10]).toBe(' Average Recall     (AR) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000');
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(0.3575, 3)).toBe('0.357'); // not a tie: the double is below .3575
  });
});
