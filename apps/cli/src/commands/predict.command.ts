import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { drawDatasetDetections, loadDataset, predictFromCheckpoint, writePng } from '@ablate/data';
import type { CocoDetection } from '@ablate/detection';
import { readCheckpointFile } from '@ablate/detection';
import { isUserError } from './train.command';

const EXIT_BAD_INPUT = 2;

interface PredictCommandOptions {
  checkpoint: string;
  data: string;
  out?: string;
  draw?: string;
  dataRoot?: string;
  scoreThreshold?: string;
  batchSize: string;
  weights: string;
}

class BadOption extends Error {}

function positiveNumber(flag: string, raw: string, integer: boolean): number {
  const n = Number(raw);
  if (!(Number.isFinite(n) && n >= 0) || (integer && !(Number.isInteger(n) && n >= 1))) {
    throw new BadOption(`${flag} ${raw}: expected ${integer ? 'a positive integer' : 'a number ≥ 0'}`);
  }
  return n;
}

/**
 * Results for AP keep low scores (RetinaNet decodes at 0.05: AP needs the whole PR curve); a
 * picture drawn with them would be buried in boxes, so drawing alone defaults higher.
 */
const RESULTS_SCORE_THRESHOLD = '0.05';
const DRAW_SCORE_THRESHOLD = '0.3';

async function runPredict(opts: PredictCommandOptions): Promise<void> {
  if (opts.out === undefined && opts.draw === undefined) throw new BadOption('give --out <file>, --draw <dir> or both');
  const rawThreshold = opts.scoreThreshold ?? (opts.out === undefined ? DRAW_SCORE_THRESHOLD : RESULTS_SCORE_THRESHOLD);
  const scoreThreshold = positiveNumber('--score-threshold', rawThreshold, false);
  const batchSize = positiveNumber('--batch-size', opts.batchSize, true);
  if (opts.weights !== 'ema' && opts.weights !== 'model') throw new BadOption(`--weights ${opts.weights}: expected ema or model`);
  let bytes: Uint8Array;
  try {
    bytes = await readCheckpointFile(opts.checkpoint);
  } catch (err) {
    throw new BadOption(`${opts.checkpoint}: cannot read checkpoint (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const { detections, step } = await predictFromCheckpoint(bytes, opts.data, {
    dataRoot: opts.dataRoot,
    batchSize,
    weights: opts.weights,
    predict: { scoreThreshold },
  });
  const images = new Set(detections.map((d) => d.image_id)).size;
  process.stderr.write(`${detections.length} detections on ${images} images (checkpoint step ${step})\n`);
  if (opts.out !== undefined) await writeResults(opts.out, detections);
  if (opts.draw !== undefined) await drawAll(opts, detections, scoreThreshold);
}

async function writeResults(file: string, detections: CocoDetection[]): Promise<void> {
  const out = path.resolve(file);
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.writeFile(out, JSON.stringify(detections));
  process.stderr.write(`results → ${out}\n`);
}

/** Each image of the dataset as PNG with its detections drawn (boxes, class names, scores). */
async function drawAll(opts: PredictCommandOptions, detections: CocoDetection[], scoreThreshold: number): Promise<void> {
  const dir = path.resolve(opts.draw!);
  await fs.mkdir(dir, { recursive: true });
  const dataset = await loadDataset(opts.data, { dataRoot: opts.dataRoot });
  let n = 0;
  for await (const drawn of drawDatasetDetections(dataset, detections, { scoreThreshold })) {
    await writePng(drawn.image, path.join(dir, drawn.fileName));
    n++;
  }
  process.stderr.write(`${n} images with detections scoring ≥ ${scoreThreshold} drawn → ${dir}\n`);
}

/**
 * `ablate predict --checkpoint CKPT --data URI --out dets.json`: runs the checkpoint's detector
 * (EMA weights when it has them) over every image of a dataset and writes a COCO results file
 * (`[{image_id, category_id, bbox: [x, y, w, h], score}]`, original pixels; plus `segmentation`
 * for a detector with masks and `keypoints` `[x, y, 1]·K` for one with keypoints), which
 * `ablate eval --gt … --dt dets.json` scores (`--iou-type segm` / `keypoints` for those).
 * `--draw DIR` writes each image as PNG with its detections drawn (box, class name, score; a
 * keypoint detector's skeleton and keypoints), for eyes rather than for AP. Bad input: a message,
 * exit status 2.
 */
export function registerPredictCommand(program: Command): void {
  program
    .command('predict')
    .description('run a trained checkpoint over a dataset and write COCO detections, or draw them on its images')
    .requiredOption('--checkpoint <file>', 'checkpoint written by ablate train (or a worker)')
    .requiredOption('--data <uri>', 'dataset: synthetic:shapes?…, coco:<file.json>?images=<dir>, voc:<root>')
    .option('--out <file>', 'COCO results file to write')
    .option('--draw <dir>', 'write each image as PNG with its detections drawn (boxes, class names, scores)')
    .option('--data-root <dir>', 'root of dataset files (default: $ABLATE_DATA_ROOT or ./data)')
    .option('--score-threshold <p>', `keep detections scoring at least this (default ${RESULTS_SCORE_THRESHOLD} with --out, as RetinaNet; ${DRAW_SCORE_THRESHOLD} with --draw alone)`)
    .option('--batch-size <n>', 'images per forward pass', '8')
    .option('--weights <which>', 'ema (if the checkpoint has them) or model', 'ema')
    .action(async (opts: PredictCommandOptions) => {
      try {
        await runPredict(opts);
      } catch (err) {
        if (!(err instanceof BadOption) && !isUserError(err)) throw err;
        process.stderr.write(`ablate predict: ${err.message}\n`);
        process.exitCode = EXIT_BAD_INPUT;
      }
    });
}
