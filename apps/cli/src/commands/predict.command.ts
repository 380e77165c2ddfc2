import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { predictFromCheckpoint } from '@ablate/data';
import { readCheckpointFile } from '@ablate/detection';
import { isUserError } from './train.command';

const EXIT_BAD_INPUT = 2;

interface PredictCommandOptions {
  checkpoint: string;
  data: string;
  out: string;
  dataRoot?: string;
  scoreThreshold: string;
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

async function runPredict(opts: PredictCommandOptions): Promise<void> {
  const scoreThreshold = positiveNumber('--score-threshold', opts.scoreThreshold, false);
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
  const out = path.resolve(opts.out);
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.writeFile(out, JSON.stringify(detections));
  const images = new Set(detections.map((d) => d.image_id)).size;
  process.stderr.write(`${detections.length} detections on ${images} images (checkpoint step ${step}) → ${out}\n`);
}

/**
 * `ablate predict --checkpoint CKPT --data URI --out dets.json`: runs the checkpoint's detector
 * (EMA weights when it has them) over every image of a dataset and writes a COCO results file
 * (`[{image_id, category_id, bbox: [x, y, w, h], score}]`, original pixels), which
 * `ablate eval --gt … --dt dets.json` scores. Bad input: a message, exit status 2.
 */
export function registerPredictCommand(program: Command): void {
  program
    .command('predict')
    .description('run a trained checkpoint over a dataset and write COCO detections')
    .requiredOption('--checkpoint <file>', 'checkpoint written by ablate train (or a worker)')
    .requiredOption('--data <uri>', 'dataset: synthetic:shapes?…, coco:<file.json>?images=<dir>, voc:<root>')
    .requiredOption('--out <file>', 'COCO results file to write')
    .option('--data-root <dir>', 'root of dataset files (default: $ABLATE_DATA_ROOT or ./data)')
    .option('--score-threshold <p>', 'keep detections scoring above this (RetinaNet: 0.05)', '0.05')
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
