import { COCO_KEYPOINT_MAX_DETS } from '../config';
import { ABSENT, type CocoAccumulation } from './coco-accumulate';
import type { CocoEvalParams } from './coco-params';

/** The 12 numbers of pycocotools `summarize()` for iouType 'bbox', in its order. */
export const COCO_STAT_KEYS = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'] as const;
export type CocoStatKey = (typeof COCO_STAT_KEYS)[number];
export type CocoStats = Record<CocoStatKey, number>;

/** The 10 numbers of pycocotools `summarize()` for iouType 'keypoints' (`_summarizeKps`), in its order. */
export const COCO_KEYPOINT_STAT_KEYS = ['AP', 'AP50', 'AP75', 'APm', 'APl', 'AR', 'AR50', 'AR75', 'ARm', 'ARl'] as const;
export type CocoKeypointStatKey = (typeof COCO_KEYPOINT_STAT_KEYS)[number];
export type CocoKeypointStats = Record<CocoKeypointStatKey, number>;

/** One line of the summary: AP or AR, an IoU threshold (undefined: all of them), area label, maxDets. */
interface SummarySpec {
  ap: boolean;
  iou?: number;
  area: string;
  maxDets: number;
}

/** The 12 settings of `_summarizeDets`, given maxDets [m0, m1, m2]. */
function summarySpecs(maxDets: readonly number[]): SummarySpec[] {
  const [m0, m1, m2] = [maxDets[0], maxDets[1], maxDets[2]];
  return [
    { ap: true, area: 'all', maxDets: m2 },
    { ap: true, iou: 0.5, area: 'all', maxDets: m2 },
    { ap: true, iou: 0.75, area: 'all', maxDets: m2 },
    { ap: true, area: 'small', maxDets: m2 },
    { ap: true, area: 'medium', maxDets: m2 },
    { ap: true, area: 'large', maxDets: m2 },
    { ap: false, area: 'all', maxDets: m0 },
    { ap: false, area: 'all', maxDets: m1 },
    { ap: false, area: 'all', maxDets: m2 },
    { ap: false, area: 'small', maxDets: m2 },
    { ap: false, area: 'medium', maxDets: m2 },
    { ap: false, area: 'large', maxDets: m2 },
  ];
}

/** The 10 settings of `_summarizeKps`: maxDets is the literal 20 there, whatever the params say. */
function keypointSummarySpecs(): SummarySpec[] {
  const maxDets = COCO_KEYPOINT_MAX_DETS[0];
  const specs = (ap: boolean): SummarySpec[] => [
    { ap, area: 'all', maxDets },
    { ap, iou: 0.5, area: 'all', maxDets },
    { ap, iou: 0.75, area: 'all', maxDets },
    { ap, area: 'medium', maxDets },
    { ap, area: 'large', maxDets },
  ];
  return [...specs(true), ...specs(false)];
}

/**
 * `_summarize`: the mean of every entry > −1 of precision (or recall) at the selected IoU
 * threshold(s) (exact equality, as `np.where(iouThr == p.iouThrs)`), area label and maxDets;
 * −1 when there is none.
 */
function summarizeOne(acc: CocoAccumulation, params: CocoEvalParams, spec: SummarySpec): number {
  const a = params.areaLabels.indexOf(spec.area);
  const m = params.maxDets.indexOf(spec.maxDets);
  if (a < 0 || m < 0) return ABSENT;
  const [, R, K, A, M] = acc.precision.dims;
  const ts = [...params.iouThresholds.keys()].filter((t) => spec.iou === undefined || params.iouThresholds[t] === spec.iou);
  let sum = 0, count = 0;
  for (const t of ts) {
    for (let r = 0; r < (spec.ap ? R : 1); r++) {
      for (let k = 0; k < K; k++) {
        const v = spec.ap
          ? acc.precision.data[(((t * R + r) * K + k) * A + a) * M + m]
          : acc.recall.data[((t * K + k) * A + a) * M + m];
        if (v > ABSENT) {
          sum += v;
          count++;
        }
      }
    }
  }
  return count === 0 ? ABSENT : sum / count;
}

/** The 12 summary stats (pycocotools `COCOeval.stats`). */
export function summarizeCoco(acc: CocoAccumulation, params: CocoEvalParams): CocoStats {
  const specs = summarySpecs(params.maxDets);
  return Object.fromEntries(COCO_STAT_KEYS.map((key, i) => [key, summarizeOne(acc, params, specs[i])])) as CocoStats;
}

/** The 10 summary stats of iouType 'keypoints' (pycocotools `COCOeval.stats` after `_summarizeKps`). */
export function summarizeCocoKeypoints(acc: CocoAccumulation, params: CocoEvalParams): CocoKeypointStats {
  const specs = keypointSummarySpecs();
  return Object.fromEntries(COCO_KEYPOINT_STAT_KEYS.map((key, i) => [key, summarizeOne(acc, params, specs[i])])) as CocoKeypointStats;
}

/**
 * AP of each category: the mean of precision over IoU thresholds and recall thresholds at
 * area 'all' and the largest maxDets (as detectron2 reports it); −1 for a category without GT.
 */
export function perCategoryAp(acc: CocoAccumulation, params: CocoEvalParams): Float64Array {
  const [T, R, K, A, M] = acc.precision.dims;
  const a = Math.max(0, params.areaLabels.indexOf('all'));
  const m = M - 1;
  const out = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let sum = 0, count = 0;
    for (let t = 0; t < T; t++) {
      for (let r = 0; r < R; r++) {
        const v = acc.precision.data[(((t * R + r) * K + k) * A + a) * M + m];
        if (v > ABSENT) {
          sum += v;
          count++;
        }
      }
    }
    out[k] = count === 0 ? ABSENT : sum / count;
  }
  return out;
}

/**
 * Python's `'{:0.Nf}'.format(x)`. Both it and `toFixed` round the exact binary value, but on an
 * exact tie (0.0625 to 3 places) Python rounds half to even and `toFixed` rounds up.
 */
export function formatFixed(x: number, digits: number): string {
  const exact = Math.abs(x).toFixed(60); // toFixed expands the double exactly (x < 1e21)
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + digits);
  const isTie = rest[0] === '5' && /^0*$/.test(rest.slice(1));
  if (!isTie) return x.toFixed(digits);
  const down = exact.slice(0, dot + 1 + digits).replace(/\.$/, '');
  const lastDigit = Number(down[down.length - 1]);
  const magnitude = lastDigit % 2 === 0 ? down : Math.abs(x).toFixed(digits);
  return (x < 0 ? '-' : '') + magnitude;
}

const fixed = formatFixed;

/**
 * The 12 lines pycocotools prints, e.g.
 * ` Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.357`.
 */
export function formatCocoSummary(stats: CocoStats, params: CocoEvalParams): string[] {
  return formatSummaryLines(COCO_STAT_KEYS, summarySpecs(params.maxDets), stats, params);
}

/** The 10 lines pycocotools prints for iouType 'keypoints' (` … @[ IoU=0.50:0.95 | area=   all | maxDets= 20 ] = 0.612`). */
export function formatCocoKeypointSummary(stats: CocoKeypointStats, params: CocoEvalParams): string[] {
  return formatSummaryLines(COCO_KEYPOINT_STAT_KEYS, keypointSummarySpecs(), stats, params);
}

function formatSummaryLines<Key extends string>(keys: readonly Key[], specs: SummarySpec[], stats: Record<Key, number>, params: CocoEvalParams): string[] {
  const iouAll = `${fixed(params.iouThresholds[0], 2)}:${fixed(params.iouThresholds[params.iouThresholds.length - 1], 2)}`;
  return keys.map((key, i) => {
    const s = specs[i];
    const title = (s.ap ? 'Average Precision' : 'Average Recall').padEnd(18);
    const type = s.ap ? '(AP)' : '(AR)';
    const iou = (s.iou === undefined ? iouAll : fixed(s.iou, 2)).padEnd(9);
    return ` ${title} ${type} @[ IoU=${iou} | area=${s.area.padStart(6)} | maxDets=${String(s.maxDets).padStart(3)} ] = ${fixed(stats[key], 3)}`;
  });
}
