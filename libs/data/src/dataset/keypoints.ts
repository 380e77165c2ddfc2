import type { DatasetCategory } from './dataset';
import type { RawBox, RawCategory } from './dataset-builder';
import { DatasetError } from './dataset-error';

/**
 * Checks the categories' COCO `keypoints` names and `skeleton` (1-based pairs into the names) and
 * returns K, the dataset's number of keypoints an instance (0 when no category names any). The
 * categories that name keypoints must agree on K: an image's keypoints are one N·K·3 array.
 */
export function validateKeypointCategories(categories: RawCategory[], file: string): number {
  let count = 0;
  let first = '';
  for (const c of categories) {
    const k = c.keypoints?.length ?? 0;
    if (c.skeleton !== undefined) {
      c.skeleton.forEach((pair, i) => {
        const ok = pair.length === 2 && pair.every((j) => Number.isInteger(j) && j >= 1 && j <= k);
        if (!ok) throw new DatasetError('invalid-keypoints', `a skeleton edge is two 1-based keypoint indices in [1, ${k}], got ${JSON.stringify(pair)}`, file, `${c.entry}.skeleton[${i}]`);
      });
    }
    if (k === 0) continue;
    if (count > 0 && k !== count) {
      throw new DatasetError('invalid-keypoints', `category has ${k} keypoints but ${first} has ${count} (one K a dataset)`, file, `${c.entry}.keypoints`);
    }
    count = k;
    first = c.entry;
  }
  return count;
}

/**
 * Validates a box's COCO `keypoints` against its category: 3·K finite numbers, each v ∈ {0, 1, 2};
 * an unlabelled point (v = 0) is stored as (0, 0, 0), as COCO writes it. `num_keypoints` is kept
 * when given (what pycocotools' ignore rule reads), else counted (v > 0).
 */
export function keypointsOf(b: RawBox, category: DatasetCategory, keypointCount: number, file: string): { points: Float32Array; count: number } {
  const entry = b.keypointsEntry ?? b.entry;
  const values = b.keypoints as ArrayLike<number>;
  if (keypointCount === 0 || category.keypoints === undefined || category.keypoints.length === 0) {
    throw new DatasetError('invalid-keypoints', `keypoints given but category ${category.id} (${category.name}) names none (its 'keypoints' field)`, file, entry);
  }
  if (values.length !== 3 * keypointCount) {
    throw new DatasetError('invalid-keypoints', `expected ${3 * keypointCount} numbers (x, y, v for ${keypointCount} keypoints), got ${values.length}`, file, entry);
  }
  const points = new Float32Array(values.length);
  let labelled = 0;
  for (let j = 0; j < keypointCount; j++) {
    const [x, y, v] = [values[3 * j], values[3 * j + 1], values[3 * j + 2]] as [number, number, number];
    if (!(Number.isFinite(x) && Number.isFinite(y))) throw new DatasetError('invalid-keypoints', `keypoint ${j} has a non-finite coordinate (${x}, ${y})`, file, `${entry}[${3 * j}]`);
    if (v !== 0 && v !== 1 && v !== 2) throw new DatasetError('invalid-keypoints', `keypoint ${j} has visibility ${v}; COCO's are 0, 1 and 2`, file, `${entry}[${3 * j + 2}]`);
    if (v === 0) continue;
    points[3 * j] = x;
    points[3 * j + 1] = y;
    points[3 * j + 2] = v;
    labelled++;
  }
  const given = b.numKeypoints;
  if (given !== undefined && !(Number.isInteger(given) && given >= 0 && given <= keypointCount)) {
    throw new DatasetError('invalid-keypoints', `num_keypoints must be an integer in [0, ${keypointCount}], got ${given}`, file, entry.replace(/\.keypoints$/, '.num_keypoints'));
  }
  return { points, count: given ?? labelled };
}

/**
 * The horizontal-flip permutation of keypoint names: `left_*` ↔ `right_*` (COCO's eyes, ears,
 * shoulders …), every other point (nose) onto itself. `perm[j]` is where point j goes in a
 * mirrored image.
 */
export function keypointFlipPermutation(names: readonly string[]): Int32Array {
  const index = new Map(names.map((n, j) => [n, j]));
  return Int32Array.from(names, (name, j) => {
    const mirror = name.startsWith('left_') ? `right_${name.slice(5)}` : name.startsWith('right_') ? `left_${name.slice(6)}` : name;
    return index.get(mirror) ?? j;
  });
}
