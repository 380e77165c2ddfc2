/**
 * COCO keypoint AP (iouType 'keypoints') exactly as pycocotools computes it: the same matching and
 * accumulation as 'bbox' (coco-match, coco-accumulate) with OKS for IoU (coco-oks), GT with
 * `num_keypoints` 0 ignored like crowds, the parameters of `setKpParams` (maxDets 20; areas all,
 * medium, large) and the 10 stats of `_summarizeKps`.
 */
import { COCO_KEYPOINT_OKS_SIGMAS } from '../config';
import { accumulateCocoTables, type CocoEvalOptions, type CocoEvalResult } from './coco-eval';
import type { CocoDataset } from './coco-format';
import { CocoInputError } from './coco-input';
import type { CocoKeypointTables } from './coco-oks';
import { defaultCocoKeypointParams } from './coco-params';
import { summarizeCocoKeypoints, type CocoKeypointStats } from './coco-summary';
import { buildCocoEvalTables, NOT_IN_GT, type CocoEvalTables } from './coco-tables';

/** One entry of a keypoint results file (COCO's results format). */
export interface CocoKeypointDetection {
  image_id: number;
  category_id: number;
  /** (x, y, v)·K in pixels of the image; v is not read (detectors write 1). */
  keypoints: number[];
  score: number;
  /** Optional; when the first entry has one, pycocotools' `loadRes` takes every detection's area from it. */
  bbox?: [number, number, number, number];
}

export interface CocoKeypointEvalOptions extends CocoEvalOptions {
  /** κ per keypoint, K of them. @defaultValue COCO_KEYPOINT_OKS_SIGMAS (COCO's 17) */
  sigmas?: readonly number[];
}

/** A keypoint evaluation: the 10 keypoint stats, and the curves as for 'bbox'. */
export type CocoKeypointEvalResult = Omit<CocoEvalResult, 'stats'> & { stats: CocoKeypointStats };

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const hasBox = (d: { bbox?: unknown }): boolean => Array.isArray(d.bbox) && d.bbox.length > 0;

/** `(x, y, v)·K` of finite numbers, or a CocoInputError naming the entry. */
function checkKeypoints(value: unknown, keypointCount: number, source: string, path: string): number[] {
  if (!Array.isArray(value)) throw new CocoInputError(source, path, value === undefined ? 'missing (iouType keypoints)' : 'expected [x, y, v]·K numbers');
  if (value.length !== 3 * keypointCount) {
    throw new CocoInputError(source, path, `expected ${3 * keypointCount} numbers (x, y, v for ${keypointCount} keypoints), got ${value.length}`);
  }
  const bad = value.findIndex((v) => !isFiniteNumber(v));
  if (bad >= 0) throw new CocoInputError(source, `${path}[${bad}]`, 'expected a finite number');
  return value as number[];
}

/**
 * Checks a parsed keypoint results file: an array of {@link CocoKeypointDetection} with 3·K finite
 * keypoint numbers, a finite score and image and category ids of the GT. Throws
 * {@link CocoInputError} naming the first bad entry.
 */
export function validateCocoKeypointResults(
  value: unknown,
  source: string,
  groundTruth: Pick<CocoDataset, 'images' | 'categories'>,
  keypointCount = COCO_KEYPOINT_OKS_SIGMAS.length,
): CocoKeypointDetection[] {
  if (!Array.isArray(value)) throw new CocoInputError(source, '', 'expected an array of detections');
  const imageIds = new Set(groundTruth.images.map((im) => im.id));
  const categoryIds = new Set(groundTruth.categories.map((c) => c.id));
  value.forEach((entry, i) => {
    const d = entry as Record<string, unknown>;
    if (typeof d !== 'object' || d === null) throw new CocoInputError(source, `[${i}]`, 'not a detection');
    for (const key of ['image_id', 'category_id'] as const) {
      if (!Number.isInteger(d[key])) throw new CocoInputError(source, `[${i}].${key}`, 'expected an integer id');
    }
    if (!isFiniteNumber(d.score)) throw new CocoInputError(source, `[${i}].score`, 'expected a finite number');
    checkKeypoints(d.keypoints, keypointCount, source, `[${i}].keypoints`);
    if (d.bbox !== undefined && !(Array.isArray(d.bbox) && (d.bbox.length === 0 || (d.bbox.length === 4 && d.bbox.every(isFiniteNumber))))) {
      throw new CocoInputError(source, `[${i}].bbox`, 'expected [x, y, width, height]');
    }
    if (!imageIds.has(d.image_id as number)) throw new CocoInputError(source, `[${i}].image_id`, `image ${String(d.image_id)} is not in the ground truth`);
    if (!categoryIds.has(d.category_id as number)) {
      throw new CocoInputError(source, `[${i}].category_id`, `category ${String(d.category_id)} is not in the ground truth`);
    }
  });
  return value as CocoKeypointDetection[];
}

/** Whether a COCO ground truth has keypoints at all (a category naming them, or an annotation carrying them). */
export function hasCocoKeypoints(groundTruth: Pick<CocoDataset, 'annotations' | 'categories'>): boolean {
  return groundTruth.categories.some((c) => Array.isArray(c.keypoints) && c.keypoints.length > 0) || groundTruth.annotations.some((a) => Array.isArray(a.keypoints));
}

/** Refuses a ground truth without keypoints (keypoint results for a box or mask dataset), naming `source`. */
export function requireCocoKeypoints(groundTruth: Pick<CocoDataset, 'annotations' | 'categories'>, source: string): void {
  if (!hasCocoKeypoints(groundTruth)) {
    throw new CocoInputError(source, 'categories', 'the ground truth has no keypoints (no category names keypoints): keypoint AP needs a person-keypoints dataset');
  }
}

/** `loadRes` for keypoints: area and box from the keypoints' extent (all K points), or from `bbox` when the first detection has one. */
function detectionAreaAndBox(d: CocoKeypointDetection, areaFromBox: boolean, source: string, i: number): { area: number; bbox: [number, number, number, number] } {
  if (areaFromBox) {
    if (!hasBox(d)) throw new CocoInputError(source, `[${i}].bbox`, 'missing, but the first detection has one');
    const bbox = d.bbox as [number, number, number, number];
    return { area: bbox[2] * bbox[3], bbox };
  }
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let j = 0; j < d.keypoints.length; j += 3) {
    x0 = Math.min(x0, d.keypoints[j]);
    x1 = Math.max(x1, d.keypoints[j]);
    y0 = Math.min(y0, d.keypoints[j + 1]);
    y1 = Math.max(y1, d.keypoints[j + 1]);
  }
  return { area: (x1 - x0) * (y1 - y0), bbox: [x0, y0, x1 - x0, y1 - y0] };
}

/**
 * Tables for iouType 'keypoints': the bbox tables (detection boxes as `loadRes` makes them), every
 * evaluated GT's and detection's keypoints, detection areas, and GT ignore flags (crowd, or
 * `num_keypoints` 0). Every GT annotation of a listed image and category needs `keypoints` (3·K
 * numbers) and `num_keypoints`, as pycocotools reads them; a GT without any keypoints is refused.
 */
export function buildCocoKeypointTables(
  groundTruth: CocoDataset,
  detections: readonly CocoKeypointDetection[],
  sigmas: readonly number[] = COCO_KEYPOINT_OKS_SIGMAS,
  sources: { gt: string; dt: string } = { gt: 'ground truth', dt: 'detections' },
): CocoEvalTables {
  requireCocoKeypoints(groundTruth, sources.gt);
  const K = sigmas.length;
  const areaFromBox = detections.length > 0 && hasBox(detections[0]);
  const dtKeypoints = new Float64Array(detections.length * 3 * K);
  const dtArea = new Float64Array(detections.length);
  const boxed = detections.map((d, i) => {
    dtKeypoints.set(checkKeypoints(d.keypoints, K, sources.dt, `[${i}].keypoints`), i * 3 * K);
    const { area, bbox } = detectionAreaAndBox(d, areaFromBox, sources.dt, i);
    dtArea[i] = area;
    return { image_id: d.image_id, category_id: d.category_id, bbox, score: d.score };
  });
  const tables = buildCocoEvalTables(groundTruth, boxed);
  const gtKeypoints = new Float64Array(groundTruth.annotations.length * 3 * K);
  const ignore = Uint8Array.from(tables.gt.crowd);
  groundTruth.annotations.forEach((a, i) => {
    if (tables.gt.image[i] === NOT_IN_GT || tables.gt.category[i] === NOT_IN_GT) return;
    gtKeypoints.set(checkKeypoints(a.keypoints, K, sources.gt, `annotations[${i}].keypoints`), i * 3 * K);
    if (!isFiniteNumber(a.num_keypoints)) throw new CocoInputError(sources.gt, `annotations[${i}].num_keypoints`, 'missing (iouType keypoints)');
    if (a.num_keypoints === 0) ignore[i] = 1;
  });
  const keypoints: CocoKeypointTables = { gtKeypoints, dtKeypoints, dtArea, sigmas: Float64Array.from(sigmas) };
  return { ...tables, gt: { ...tables.gt, ignore }, keypoints };
}

/**
 * Keypoint AP as pycocotools `COCOeval(gt, gt.loadRes(dets), 'keypoints')` with `evaluate();
 * accumulate(); summarize()`: OKS with the per-keypoint κ (COCO's 17 by default) scaled by the GT
 * `area`, GT with `num_keypoints` 0 and crowds ignored, at most 20 detections an image, areas all,
 * medium and large; its 10 stats. An empty results list scores 0 (pycocotools' `loadRes` fails on
 * it). Throws {@link CocoInputError} naming a bad entry of `sources` (the file names, for messages).
 */
export function evaluateCocoKeypoints(
  groundTruth: CocoDataset,
  detections: readonly CocoKeypointDetection[],
  options: CocoKeypointEvalOptions = {},
  sources: { gt: string; dt: string } = { gt: 'ground truth', dt: 'detections' },
): CocoKeypointEvalResult {
  const { sigmas = COCO_KEYPOINT_OKS_SIGMAS, ...overrides } = options;
  requireCocoKeypoints(groundTruth, sources.gt);
  validateCocoKeypointResults(detections, sources.dt, groundTruth, sigmas.length);
  const tables = buildCocoKeypointTables(groundTruth, detections, sigmas, sources);
  const { acc, ...result } = accumulateCocoTables(tables, { ...defaultCocoKeypointParams(), ...overrides });
  return { stats: summarizeCocoKeypoints(acc, result.params), ...result };
}
