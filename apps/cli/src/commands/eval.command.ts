import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  CocoInputError,
  evaluateCoco,
  evaluateCocoKeypoints,
  evaluateCocoSegm,
  evaluateVoc,
  formatCocoKeypointSummary,
  formatCocoSummary,
  formatFixed,
  parseJson,
  readCocoResults,
  requireCocoKeypoints,
  validateCocoGroundTruth,
  validateCocoKeypointResults,
  validateCocoSegmResults,
  type CocoEvalResult,
  type CocoKeypointEvalResult,
} from '@ablate/detection';

/** Exit status of bad input (a file that is missing, not JSON, or not COCO). */
const EXIT_BAD_INPUT = 2;

interface EvalCommandOptions {
  gt: string;
  dt: string;
  json?: boolean;
  iouType: string;
  metric: string;
  perClass?: boolean;
}

interface ClassAp {
  categoryId: number;
  ap: number;
}

/** Category id → name of a ground-truth file (ids without a name keep none). */
function namesOf(gt: { categories: readonly { id: number; name?: string }[] }): Map<number, string> {
  return new Map(gt.categories.filter((c) => c.name !== undefined).map((c) => [c.id, c.name!]));
}

function withNames<T extends ClassAp>(rows: readonly T[], names: Map<number, string>): (T & { name?: string })[] {
  return rows.map((r) => (names.has(r.categoryId) ? { ...r, name: names.get(r.categoryId)! } : r));
}

/** `  name (id 3)  AP`: one line a class, names padded to one column. */
function perClassLines(rows: readonly (ClassAp & { name?: string })[]): string[] {
  const labels = rows.map((r) => (r.name !== undefined ? `${r.name} (id ${r.categoryId})` : `category ${r.categoryId}`));
  const width = Math.max(0, ...labels.map((l) => l.length));
  return rows.map((r, i) => `${labels[i]!.padEnd(width)}  AP = ${formatFixed(r.ap, 4)}`);
}

/** The COCO summary, then with --per-class each class's AP by name; as JSON the stats, plus `perClass`. */
function cocoOutput(result: CocoEvalResult | CocoKeypointEvalResult, names: Map<number, string>, opts: EvalCommandOptions): string {
  const perClass = withNames(result.perCategory, names);
  if (opts.json) return JSON.stringify(opts.perClass ? { ...result.stats, perClass } : result.stats);
  const summary = 'AR' in result.stats ? formatCocoKeypointSummary(result.stats, result.params) : formatCocoSummary(result.stats, result.params);
  return [...summary, ...(opts.perClass ? ['', ...perClassLines(perClass)] : [])].join('\n');
}

const METRICS = ['coco', 'voc07', 'voc10'] as const;
const IOU_TYPES = ['bbox', 'segm', 'keypoints'] as const;
type Metric = (typeof METRICS)[number];

/** A user's mistake: printed alone on stderr, exit status 2. */
class BadInput extends Error {}

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new BadInput(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/**
 * Reads, checks and evaluates; returns the text for stdout. Nothing is printed here, so a
 * failure leaves stdout empty.
 */
async function runEval(opts: EvalCommandOptions): Promise<string> {
  if (!(IOU_TYPES as readonly string[]).includes(opts.iouType)) throw new BadInput(`--iou-type ${opts.iouType}: expected one of ${IOU_TYPES.join(', ')}`);
  if (opts.iouType !== 'bbox' && opts.metric !== 'coco') throw new BadInput(`--metric ${opts.metric}: --iou-type ${opts.iouType} supports only coco`);
  if (!(METRICS as readonly string[]).includes(opts.metric)) {
    throw new BadInput(`--metric ${opts.metric}: expected one of ${METRICS.join(', ')}`);
  }
  const gtBytes = readBytes(opts.gt);
  const dtBytes = readBytes(opts.dt);
  const gt = validateCocoGroundTruth(parseJson(gtBytes.toString('utf8'), opts.gt), opts.gt);
  if (opts.iouType === 'keypoints') {
    requireCocoKeypoints(gt, opts.gt);
    const keypointDts = validateCocoKeypointResults(parseJson(dtBytes.toString('utf8'), opts.dt), opts.dt, gt);
    return cocoOutput(evaluateCocoKeypoints(gt, keypointDts, {}, { gt: opts.gt, dt: opts.dt }), namesOf(gt), opts);
  }
  if (opts.iouType === 'segm') {
    const segmDts = validateCocoSegmResults(parseJson(dtBytes.toString('utf8'), opts.dt), opts.dt, gt);
    return cocoOutput(evaluateCocoSegm(gt, segmDts, {}, { gt: opts.gt, dt: opts.dt }), namesOf(gt), opts);
  }
  const dts = readCocoResults(dtBytes, opts.dt, gt);
  const metric = opts.metric as Metric;
  if (metric !== 'coco') {
    const voc = evaluateVoc(gt, dts, { metric: metric === 'voc07' ? '07' : '10' });
    const perCategory = withNames(voc.perCategory, namesOf(gt));
    if (opts.json) return JSON.stringify({ mAP: voc.mAP, perCategory });
    return [...perClassLines(perCategory), `mAP (VOC20${metric.slice(3)}, IoU >= ${voc.iouThreshold}) = ${formatFixed(voc.mAP, 4)}`].join('\n');
  }
  return cocoOutput(evaluateCoco(gt, dts), namesOf(gt), opts);
}

/**
 * `ablate eval --gt GT.json --dt DT.json [--json]`: COCO bounding-box AP of a results file as
 * pycocotools' COCOeval prints it (12 lines), or with --json one object of the 12 stats at full
 * precision. `--per-class` adds each class's AP under its category name. `--metric voc07|voc10`
 * prints Pascal VOC AP per category (by name) and the mAP instead.
 * `--iou-type segm` evaluates masks instead (results with `segmentation` RLEs, GT polygons or RLE);
 * `--iou-type keypoints` person keypoints (results with `keypoints` [x, y, v]·17, GT with keypoints
 * and `num_keypoints`): OKS AP, its 10 stats (AP AP50 AP75 APm APl AR AR50 AR75 ARm ARl).
 */
export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('COCO bbox AP of a results file against a ground-truth file, as pycocotools COCOeval')
    .requiredOption('--gt <file>', 'COCO ground-truth file (images, annotations, categories)')
    .requiredOption('--dt <file>', 'COCO results file: [{image_id, category_id, bbox: [x, y, w, h], score}]')
    .option('--json', 'print one JSON object of the 12 stats (AP AP50 AP75 APs APm APl AR1 AR10 AR100 ARs ARm ARl)')
    .option('--iou-type <type>', 'bbox; segm: mask AP of results carrying segmentation RLEs; keypoints: OKS AP of results carrying keypoints', 'bbox')
    .option('--metric <metric>', `coco, or Pascal VOC AP: voc07 (11-point) or voc10 (area)`, 'coco')
    .option('--per-class', "also each class's AP, by the ground truth's category names (with --json: a perClass list)")
    .action(async (opts: EvalCommandOptions) => {
      let out: string;
      try {
        out = await runEval(opts);
      } catch (err) {
        if (err instanceof BadInput || err instanceof CocoInputError) {
          process.stderr.write(`ablate eval: ${err.message}\n`);
          process.exitCode = EXIT_BAD_INPUT;
          return;
        }
        throw err;
      }
      process.stdout.write(`${out}\n`);
    });
}
