import { prCurvesOf } from './pr-curves';

describe('prCurvesOf', () => {
  it('reads precision[t, r, k, a, m] in row-major order for IoU 0.5 and 0.75, area all, the last maxDets', () => {
    // T = 3 thresholds (0.5, 0.75, 0.9), R = 2 recall points, K = 2 categories, A = 2 areas, M = 2 maxDets.
    const dims = [3, 2, 2, 2, 2];
    const data = new Float64Array(3 * 2 * 2 * 2 * 2);
    // Encode each cell's own coordinates so the expected values can be written by hand:
    // value = t·10000 + r·1000 + k·100 + a·10 + m.
    for (let t = 0; t < 3; t++)
      for (let r = 0; r < 2; r++)
        for (let k = 0; k < 2; k++)
          for (let a = 0; a < 2; a++)
            for (let m = 0; m < 2; m++) data[(((t * 2 + r) * 2 + k) * 2 + a) * 2 + m] = t * 10000 + r * 1000 + k * 100 + a * 10 + m;
    const params = { iouThresholds: [0.5, 0.75, 0.9], recallThresholds: [0, 1], maxDets: [10, 100], areaRanges: [], areaLabels: ['all', 'small'] };
    const curves = prCurvesOf({ precision: { data, dims }, categoryIds: [3, 7], params });
    expect(curves.recallThresholds).toEqual([0, 1]);
    // a = 0 (all), m = 1 (100 dets): category 3 is k = 0, category 7 is k = 1.
    expect(curves.categories).toEqual([
      { categoryId: 3, precisionAt50: [1, 1001], precisionAt75: [10001, 11001] },
      { categoryId: 7, precisionAt50: [101, 1101], precisionAt75: [10101, 11101] },
    ]);
  });
});
