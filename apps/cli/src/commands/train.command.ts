import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { DatasetError, ExperimentError, runTraining } from '@ablate/data';
import {
  assertFitsBackend,
  CheckpointError,
  formatCocoSummary,
  ModelConfigError,
  parseRunConfig,
  readCheckpointFile,
  RunConfigError,
  RunMemoryError,
  writeCheckpointFile,
  type DetectorEvaluation,
  type RunConfig,
  type TrainProgress,
} from '@ablate/detection';
import { initBackend } from '@ablate/engine';
import { EnvironmentError } from '@ablate/config';

/** Exit status of bad input (config, dataset, checkpoint). */
const EXIT_BAD_INPUT = 2;
/** Exit status of a run whose loss became NaN or infinite. */
const EXIT_DIVERGED = 3;

interface TrainCommandOptions {
  config: string;
  resume?: string;
  out?: string;
  dataRoot?: string;
  eval: boolean;
}

/** A user's mistake: printed alone on stderr, exit status 2. */
class BadInput extends Error {}

/** Errors a user causes, whatever library raised them. */
export function isUserError(err: unknown): err is Error {
  return (
    err instanceof BadInput ||
    err instanceof RunConfigError ||
    err instanceof DatasetError ||
    err instanceof ExperimentError ||
    err instanceof CheckpointError ||
    err instanceof ModelConfigError ||
    err instanceof RunMemoryError
  );
}

function readConfig(file: string): RunConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BadInput(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BadInput(`${file}: not JSON (${(err as Error).message})`);
  }
  try {
    return parseRunConfig(json);
  } catch (err) {
    if (err instanceof RunConfigError) throw new BadInput(`${file}: ${err.message}`);
    throw err;
  }
}

/**
 * Refuses, before any data is loaded, a config whose estimated memory exceeds what this process's
 * backend can hold (the paper-default RetinaNet aborted the wasm heap after 32 s): the message
 * names the estimate, the limit and the knobs that reduce it.
 */
async function checkFitsHere(config: RunConfig, file: string): Promise<void> {
  const { backend } = await initBackend();
  try {
    await assertFitsBackend(config, backend, file);
  } catch (err) {
    // ABLATE_RUN_MEMORY_LIMIT_MB that is not a number of MB.
    if (err instanceof EnvironmentError) throw new BadInput(err.message);
    throw err;
  }
}

async function readCheckpoint(file: string): Promise<Uint8Array> {
  try {
    return await readCheckpointFile(file);
  } catch (err) {
    throw new BadInput(`${file}: cannot read checkpoint (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

interface ProgressReporter {
  update(p: TrainProgress): void;
  /** A line of its own among the progress (an evaluation during training). */
  note(line: string): void;
  stop(): void;
}

/** A progress bar on a terminal; a line every 10 steps otherwise (logs, CI). */
function progressReporter(): ProgressReporter {
  if (!process.stderr.isTTY) {
    return {
      update: (p) => {
        if (p.step % 10 === 0 || p.step === p.totalSteps) process.stderr.write(`${describe(p)}\n`);
      },
      note: (line) => process.stderr.write(`${line}\n`),
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({
    format: 'train |{bar}| {value}/{total} | {status}',
    barsize: 24,
    hideCursor: true,
    stream: process.stderr,
  });
  let started = false;
  return {
    update: (p) => {
      if (!started) bar.start(p.totalSteps, p.step, { status: '' });
      started = true;
      bar.setTotal(p.totalSteps);
      bar.update(p.step, { status: describe(p).replace(/^step \S+ /, '') });
    },
    // Over the bar's line; the bar redraws below it at the next step.
    note: (line) => process.stderr.write(`\r\x1b[2K${line}\n`),
    stop: () => started && bar.stop(),
  };
}

function describe(p: TrainProgress): string {
  const eta = p.etaSeconds >= 3600 ? `${(p.etaSeconds / 3600).toFixed(1)}h` : `${Math.round(p.etaSeconds / 60)}m${Math.round(p.etaSeconds % 60)}s`;
  return (
    `step ${p.step}/${p.totalSteps} epoch ${p.epoch + 1} loss ${p.loss.toFixed(4)} ` +
    `(cls ${p.classLoss.toFixed(4)}, box ${p.boxLoss.toFixed(4)}) lr ${p.lr.toExponential(2)} ` +
    `${p.imagesPerSecond.toFixed(1)} img/s ETA ${eta}`
  );
}

/** One line per evaluation during training: step, AP, AP50, and the mask AP of a detector with masks, the keypoint AP of one with keypoints. */
export function describeEvaluation(step: number, { coco, segm, keypoints }: Pick<DetectorEvaluation, 'coco' | 'segm' | 'keypoints'>): string {
  const masks = segm ? ` segm AP ${segm.stats.AP.toFixed(3)}` : '';
  const poses = keypoints ? ` keypoints AP ${keypoints.stats.AP.toFixed(3)}` : '';
  return `eval step ${step}: AP ${coco.stats.AP.toFixed(3)} AP50 ${coco.stats.AP50.toFixed(3)}${masks}${poses}`;
}

async function runTrain(opts: TrainCommandOptions): Promise<number> {
  const config = readConfig(opts.config);
  await checkFitsHere(config, opts.config);
  const resumeFrom = opts.resume !== undefined ? await readCheckpoint(opts.resume) : undefined;
  const out = path.resolve(opts.out ?? path.join('runs', path.basename(opts.config).replace(/\.json$/, '')));
  await fs.mkdir(out, { recursive: true });
  await fs.writeFile(path.join(out, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const lastCheckpoint = path.join(out, 'last.ckpt');

  // First Ctrl-C: checkpoint and stop cleanly; a second one exits at once.
  let stopRequested = false;
  const onSigint = () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    process.stderr.write('\nstopping after this step (Ctrl-C again to abort)…\n');
  };
  process.on('SIGINT', onSigint);
  const progress = progressReporter();
  try {
    const { result, evaluation } = await runTraining(config, {
      dataRoot: opts.dataRoot,
      resumeFrom,
      evaluate: opts.eval,
      // A lone training process has the machine's other cores free: feed it from one of them.
      dataWorkers: availableParallelism() > 1 ? 1 : 0,
      onReady: (i) =>
        process.stderr.write(
          `${config.model.arch}: ${i.parameters} parameters, input ${i.inputSize}px; ` +
            `${i.trainImages} training and ${i.valImages} validation images; checkpoints in ${out}\n`,
        ),
      hooks: {
        onProgress: (p) => progress.update(p),
        onCheckpoint: (bytes) => writeCheckpointFile(lastCheckpoint, bytes),
        onEvaluation: (step, evaluation) => progress.note(describeEvaluation(step, evaluation)),
        shouldStop: () => stopRequested,
      },
    });
    progress.stop();
    if (result.status === 'diverged') {
      process.stderr.write(`diverged: the loss was ${result.finalLoss} at step ${result.step}; no checkpoint of that step was written\n`);
      return EXIT_DIVERGED;
    }
    if (result.status === 'stopped') {
      process.stderr.write(`stopped at step ${result.step}; resume with --resume ${lastCheckpoint}\n`);
      return 0;
    }
    process.stderr.write(`completed ${result.step} steps, final loss ${result.finalLoss.toFixed(4)}; checkpoint ${lastCheckpoint}\n`);
    if (evaluation) {
      const { coco, segm } = evaluation;
      const masks = segm && { segm: { stats: segm.stats, perCategory: segm.perCategory } };
      await fs.writeFile(
        path.join(out, 'evaluation.json'),
        `${JSON.stringify({ step: result.step, stats: coco.stats, perCategory: coco.perCategory, ...masks }, null, 2)}\n`,
      );
      process.stdout.write(`${formatCocoSummary(coco.stats, coco.params).join('\n')}\n`);
      // Mask R-CNN: the mask AP summary (iouType segm) after the box one.
      if (segm) process.stdout.write(`segm:\n${formatCocoSummary(segm.stats, segm.params).join('\n')}\n`);
    }
    return 0;
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
}

/**
 * `ablate train --config run.json [--resume CKPT] [--out DIR]`: trains a RunConfig here, with no
 * queue or database, showing a progress bar; writes DIR/last.ckpt (atomically) every
 * `train.checkpointEvery` steps and at the end, then evaluates on `dataset.val` and prints the
 * COCO summary (and, as it goes, a line on stderr per evaluation of `train.evalEvery`). Ctrl-C
 * checkpoints and stops; `--resume DIR/last.ckpt` continues (a larger `train.steps` extends the run). Bad config, dataset or checkpoint: a message naming the field
 * or file, exit status 2; a diverged run: exit status 3.
 */
export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('train a detector from a RunConfig file, checkpointing, then evaluate on its validation split')
    .requiredOption('--config <file>', 'RunConfig JSON: {dataset: {train, val}, model, anchors, loss, train, seed}')
    .option('--resume <checkpoint>', 'resume from a checkpoint written by a previous run')
    .option('--out <dir>', 'directory for checkpoints and results (default: runs/<config name>)')
    .option('--data-root <dir>', 'root of dataset files (default: $ABLATE_DATA_ROOT or ./data)')
    .option('--no-eval', 'skip evaluation (at the end, and every train.evalEvery steps)')
    .action(async (opts: TrainCommandOptions) => {
      try {
        process.exitCode = await runTrain(opts);
      } catch (err) {
        if (!isUserError(err)) throw err;
        process.stderr.write(`ablate train: ${err.message}\n`);
        process.exitCode = EXIT_BAD_INPUT;
      }
    });
}
