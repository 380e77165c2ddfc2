import { COCO_KEYPOINT_OKS_SIGMAS } from '../config';
import type { CocoDataset } from './coco-format';
import { CocoInputError } from './coco-input';
import { evaluateCocoKeypoints, type CocoKeypointDetection } from './coco-keypoints';
import { cocoOks, numpySum } from './coco-oks';

const K = 17;

/** A person whose 17 keypoints are visible at (10 + 5j, 40), box [5, 20, 100, 60], area 2000 (medium). */
function person(id: number, overrides: Partial<CocoDataset['annotations'][number]> = {}): CocoDataset['annotations'][number] {
  const keypoints = Array.from({ length: K }, (_, j) => [10 + 5 * j, 40, 2]).flat();
  return { id, image_id: 1, category_id: 1, bbox: [5, 20, 100, 60], area: 2000, iscrowd: 0, keypoints, num_keypoints: K, ...overrides };
}

function groundTruth(annotations: CocoDataset['annotations']): CocoDataset {
  return {
    images: [{ id: 1, width: 200, height: 100 }, { id: 2, width: 200, height: 100 }],
    annotations,
    categories: [{ id: 1, name: 'person', keypoints: Array.from({ length: K }, (_, j) => `p${j}`) }],
  };
}

const detection = (keypoints: number[], score = 0.9, image_id = 1): CocoKeypointDetection => ({ image_id, category_id: 1, keypoints, score });

describe('COCO keypoint AP', () => {
  it('sums as numpy does: left to right below 8 values, eight running sums from 8 on', () => {
    // 0.1 + 0.2 + 0.3 left to right is 0.6000000000000001.
    expect(numpySum(Float64Array.of(0.1, 0.2, 0.3), 3)).toBe(0.1 + 0.2 + 0.3);
    const a = Float64Array.from({ length: 9 }, (_, i) => 0.1 * (i + 1));
    // ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)), then + a8.
    expect(numpySum(a, 9)).toBe(a[0]! + a[1]! + (a[2]! + a[3]!) + (a[4]! + a[5]! + (a[6]! + a[7]!)) + a[8]!);
  });

  it('computes OKS by hand: the nose 3 px off, the other 16 points exact', () => {
    const gt = person(1);
    const dt = [...gt.keypoints!];
    dt[0] = dt[0]! + 3;
    const out = new Float64Array(1);
    const max = new Float64Array(1);
    const kp = { gtKeypoints: Float64Array.from(gt.keypoints!), dtKeypoints: Float64Array.from(dt), dtArea: Float64Array.of(0), sigmas: Float64Array.from(COCO_KEYPOINT_OKS_SIGMAS) };
    cocoOks(kp, [0], 0, 1, Float64Array.from(gt.bbox), Float64Array.of(2000), [0], 0, 1, out, max);
    // κ_nose = 0.026: e = 3² / (2·0.026)² / (2000 + ε) / 2 = 9 / 0.002704 / 2000 / 2 ≈ 0.832; OKS = (16 + e^−0.832) / 17.
    const e = 9 / (0.052 * 0.052) / (2000 + Number.EPSILON) / 2;
    expect(e).toBeCloseTo(0.83210, 4);
    expect(out[0]).toBeCloseTo((16 + Math.exp(-e)) / K, 14);
    expect(max[0]).toBe(out[0]);
  });

  it('scores a perfect detection 1 and a detection of nobody as a false positive; medium only, as COCO sizes them', () => {
    const gt = groundTruth([person(1)]);
    const perfect = evaluateCocoKeypoints(gt, [detection(person(1).keypoints!)]);
    // Precision is tp / (tp + fp + ε) in pycocotools: 1 − 1e-16, not 1.
    const want = { AP: 1, AP50: 1, AP75: 1, APm: 1, APl: -1, AR: 1, AR50: 1, AR75: 1, ARm: 1, ARl: -1 };
    for (const [key, v] of Object.entries(want)) expect(perfect.stats[key as keyof typeof want], key).toBeCloseTo(v, 12);
    // A better-scored detection far away (image 2 has no person): precision at recall 1 is 1/2.
    const far = detection(Array.from({ length: K }, () => [190, 90, 1]).flat(), 0.95, 2);
    const withFalse = evaluateCocoKeypoints(gt, [detection(person(1).keypoints!), far]);
    expect(withFalse.stats.AP).toBeCloseTo(0.5, 12);
    expect(withFalse.stats.AR).toBe(1);
  });

  it('ignores a GT with num_keypoints 0 and a crowd: matching them neither counts nor costs', () => {
    const gt = groundTruth([person(1, { num_keypoints: 0 }), person(2, { iscrowd: 1, bbox: [5, 20, 100, 60] })]);
    const result = evaluateCocoKeypoints(gt, [detection(person(1).keypoints!)]);
    // No non-ignored GT at all: every stat is −1, as pycocotools gives.
    expect(Object.values(result.stats).every((v) => v === -1)).toBe(true);
  });

  it('refuses keypoint results for a ground truth without keypoints, and malformed results, naming the entry', () => {
    const boxes: CocoDataset = { images: [{ id: 1 }], annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 4, 4], area: 16 }], categories: [{ id: 1, name: 'cat' }] };
    const noKeypoints = (() => {
      try {
        evaluateCocoKeypoints(boxes, [detection(new Array(3 * K).fill(1))], {}, { gt: 'gt.json', dt: 'dt.json' });
      } catch (err) {
        return err;
      }
    })() as CocoInputError;
    expect(noKeypoints).toBeInstanceOf(CocoInputError);
    expect(noKeypoints.message).toMatch(/^gt\.json: categories: the ground truth has no keypoints/);
    const gt = groundTruth([person(1)]);
    expect(() => evaluateCocoKeypoints(gt, [detection([1, 2, 1])])).toThrow(/\[0\]\.keypoints: expected 51 numbers/);
    expect(() => evaluateCocoKeypoints(gt, [{ ...detection(person(1).keypoints!), image_id: 9 }])).toThrow(/\[0\]\.image_id: image 9 is not in the ground truth/);
    expect(() => evaluateCocoKeypoints(groundTruth([person(1, { num_keypoints: undefined })]), [detection(person(1).keypoints!)])).toThrow(/annotations\[0\]\.num_keypoints: missing/);
  });
});
