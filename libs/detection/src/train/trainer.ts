import * as tf from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../config';
import type { TrainBatch } from '../structures';
import {
  assignVariables,
  CheckpointError,
  decodeCheckpoint,
  disposeCheckpoint,
  encodeCheckpoint,
  type TrainingState,
} from './checkpoint';
import { learningRateAt } from './lr-schedule';
import { createOptimizer } from './optimizers';
import { evaluateMidTraining, evaluatesAt } from './periodic-eval';
import { trainStep, type StepContext } from './train-step';
import type { TrainOptions, TrainProgress, TrainResult } from './trainer-types';
import { WeightEma } from './weight-ema';

/** Where a run stands: completed steps and the next batch in data order. */
interface Position {
  step: number;
  epoch: number;
  batchIndex: number;
  lr: number;
  loss: number;
}

/**
 * Trains `options.detector` on `options.source` for `train.steps` steps (TrainConfig), or the
 * remaining steps of the run that wrote `resumeFrom`.
 *
 * - Data: the batches of epoch e from batch i, `source.batches(e, i)`; the order is a function
 *   of (seed, epoch), so the checkpoint's (epoch, batchIndex) is the whole data-order and RNG state.
 * - Step: see `trainStep` (the detector's `trainingLoss`, clipping, optimiser, EMA).
 * - lr: `learningRateAt(step, train)`. Resuming with a larger `train.steps` recomputes the
 *   schedule for the new total (warmup and milestones are fractions of / steps in that total).
 * - Progress: `hooks.onProgress` after every step (`epoch` is 0-based).
 * - Checkpoints: `hooks.onCheckpoint` every `train.checkpointEvery` steps and when the run ends
 *   ('completed' or 'stopped'); never for the step that diverged.
 * - Evaluation: `hooks.onEvaluation` every `train.evalEvery` steps but the last, on
 *   `options.evalSource` (see `evaluatesAt`, `evaluateMidTraining`); it changes no weight, loss or
 *   data order, and its time is left out of the pace.
 * - Stop: `hooks.shouldStop` is polled before the first step and after every step.
 * - Divergence: a non-finite loss ends the run with status 'diverged' and that step's number,
 *   without updating any variable.
 * - EMA (`train.emaDecay`): when the run ends 'completed' or 'stopped' the detector is left holding
 *   the averaged weights, which are what evaluation should use; the checkpoint holds both.
 *
 * Tensors: every tensor a step creates is disposed; the batch images are disposed after use.
 */
export async function trainDetector(options: TrainOptions): Promise<TrainResult> {
  const { detector, source, train, seed, hooks = {} } = options;
  if (tf.getGradient('Conv2D') === undefined) {
    throw new Error('trainDetector: no gradients are registered; call initBackend() (engine) before training');
  }
  if (source.numClasses !== detector.config.model.numClasses) {
    throw new RangeError(
      `trainDetector: the dataset has ${source.numClasses} classes but model.numClasses is ${detector.config.model.numClasses}`,
    );
  }
  const optimizer = createOptimizer(train);
  const ema = train.emaDecay !== undefined ? new WeightEma(train.emaDecay, detector.allVariables()) : undefined;
  const ctx: StepContext = { detector, optimizer, ema, clipGradNorm: train.clipGradNorm, seed };
  try {
    const pos: Position = { step: 0, epoch: 0, batchIndex: 0, lr: learningRateAt(0, train), loss: Number.NaN };
    if (options.resumeFrom !== undefined) await restore(options.resumeFrom, ctx, seed, train, pos);
    const snapshot = (): Promise<Uint8Array> => encodeCheckpoint(makeState(ctx, train, seed, pos));
    let lastCheckpoint = -1;
    const checkpoint = async (): Promise<void> => {
      if (hooks.onCheckpoint === undefined || lastCheckpoint === pos.step) return;
      lastCheckpoint = pos.step;
      await hooks.onCheckpoint(await snapshot(), pos.step);
    };
    const clock = new StepClock(pos.step, train.steps);
    const evaluate = async (): Promise<void> => {
      if (options.evalSource === undefined || hooks.onEvaluation === undefined || !evaluatesAt(pos.step, train)) return;
      const started = performance.now();
      const evaluation = await evaluateMidTraining(detector, ema, options.evalSource);
      clock.leaveOut(performance.now() - started);
      await hooks.onEvaluation(pos.step, evaluation);
    };
    let status: TrainResult['status'] = 'completed';

    if (hooks.shouldStop?.()) status = 'stopped';
    while (status === 'completed' && pos.step < train.steps) {
      let seen = 0;
      for await (const batch of source.batches(pos.epoch, pos.batchIndex)) {
        seen += 1;
        const lr = learningRateAt(pos.step, train);
        const result = await runStep(ctx, batch, lr, pos.step + 1);
        if (!result.finite) {
          return { status: 'diverged', step: pos.step + 1, finalLoss: result.loss };
        }
        advance(pos, source.batchesPerEpoch, lr, result.loss);
        // A step is one long synchronous stretch: let timers and I/O (lock renewal, prefetch, RPC) run.
        await new Promise<void>((resolve) => setImmediate(resolve));
        await hooks.onProgress?.(clock.progress(pos, result, batch.images.shape[0]));
        await evaluate();
        if (pos.step % train.checkpointEvery === 0) await checkpoint();
        if (pos.step >= train.steps) break;
        if (hooks.shouldStop?.()) {
          status = 'stopped';
          break;
        }
      }
      if (seen === 0) throw new RangeError(`trainDetector: epoch ${pos.epoch} of the data source has no batches`);
      if (pos.batchIndex !== 0 && status === 'completed' && pos.step < train.steps) {
        // The source ended the epoch early: start the next one.
        pos.epoch += 1;
        pos.batchIndex = 0;
      }
    }
    await checkpoint();
    ema?.copyTo(detector.allVariables());
    return { status, step: pos.step, finalLoss: pos.loss };
  } finally {
    optimizer.dispose();
    ema?.dispose();
  }
}

async function runStep(ctx: StepContext, batch: TrainBatch, lr: number, step: number): ReturnType<typeof trainStep> {
  try {
    return await trainStep(ctx, batch, lr, step);
  } finally {
    batch.images.dispose();
  }
}

function advance(pos: Position, batchesPerEpoch: number, lr: number, loss: number): void {
  pos.step += 1;
  pos.lr = lr;
  pos.loss = loss;
  pos.batchIndex += 1;
  if (pos.batchIndex >= batchesPerEpoch) {
    pos.epoch += 1;
    pos.batchIndex = 0;
  }
}

function makeState(ctx: StepContext, train: TrainConfig, seed: number, pos: Position): Parameters<typeof encodeCheckpoint>[0] {
  const state: TrainingState = {
    detectorConfig: ctx.detector.config,
    train,
    seed,
    step: pos.step,
    epoch: pos.epoch,
    batchIndex: pos.batchIndex,
    totalSteps: train.steps,
    lr: pos.lr,
    loss: pos.loss,
    optimizer: { kind: ctx.optimizer.kind, stepCount: ctx.optimizer.stepCount },
    ema: ctx.ema ? { decay: ctx.ema.decay, updates: ctx.ema.updates } : undefined,
  };
  return {
    state,
    model: ctx.detector.allVariables(),
    optimizer: ctx.optimizer.state(),
    ema: ctx.ema?.weights() ?? new Map(),
  };
}

async function restore(bytes: Uint8Array, ctx: StepContext, seed: number, train: TrainConfig, pos: Position): Promise<void> {
  const ckpt = await decodeCheckpoint(bytes);
  try {
    const s = ckpt.state;
    if (s.seed !== seed) throw new CheckpointError(`checkpoint: written with seed ${s.seed}, but the run has seed ${seed}`);
    if (s.optimizer.kind !== train.optimizer) {
      throw new CheckpointError(
        `checkpoint: written by optimizer '${s.optimizer.kind}', but train.optimizer is '${train.optimizer}'`,
      );
    }
    assignVariables(ctx.detector.allVariables(), ckpt.model);
    ctx.optimizer.load(ckpt.optimizer, s.optimizer.stepCount);
    // A run that turns EMA on at resume starts its average from the restored weights.
    if (ctx.ema && s.ema && ckpt.ema.size > 0) ctx.ema.load(ckpt.ema, s.ema.updates);
    else if (ctx.ema) ctx.ema.load(ctx.detector.allVariables(), 0);
    // JSON has no NaN: a checkpoint written before any step stores its loss as null.
    Object.assign(pos, { step: s.step, epoch: s.epoch, batchIndex: s.batchIndex, lr: s.lr, loss: s.loss ?? Number.NaN });
  } finally {
    disposeCheckpoint(ckpt);
  }
}

/** Pace of the run (images/s, ETA) over the steps of this call. */
class StepClock {
  private start = performance.now();
  private last = this.start;
  private imagesPerSecond = 0;

  constructor(
    private readonly firstStep: number,
    private readonly totalSteps: number,
  ) {}

  /** Takes `ms` that were not training (an evaluation) out of the pace and the ETA. */
  leaveOut(ms: number): void {
    this.start += ms;
    this.last += ms;
  }

  progress(pos: Position, result: { loss: number; classLoss: number; boxLoss: number; parts: Record<string, number> }, images: number): TrainProgress {
    const now = performance.now();
    const seconds = Math.max(1e-6, (now - this.last) / 1000);
    this.last = now;
    // Smoothed pace (EMA over ~10 steps) so the bar does not flicker.
    const pace = images / seconds;
    this.imagesPerSecond = this.imagesPerSecond === 0 ? pace : 0.9 * this.imagesPerSecond + 0.1 * pace;
    const perStep = (now - this.start) / 1000 / Math.max(1, pos.step - this.firstStep);
    return {
      step: pos.step,
      totalSteps: this.totalSteps,
      epoch: pos.batchIndex === 0 ? pos.epoch - 1 : pos.epoch,
      loss: result.loss,
      classLoss: result.classLoss,
      boxLoss: result.boxLoss,
      parts: result.parts,
      lr: pos.lr,
      imagesPerSecond: this.imagesPerSecond,
      etaSeconds: Math.max(0, this.totalSteps - pos.step) * perStep,
    };
  }
}
