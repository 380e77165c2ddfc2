import type { TrainConfig } from '../config';
import type { Detector } from '../models/detector';
import type { DetectorEvaluation, EvalSource } from '../predict/evaluate-detector';
import type { TrainDataSource } from '../structures';

/** Emitted after every step (the CLI's progress bar, the worker's job progress). */
export interface TrainProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  /** The final head's classification loss (`parts.cls`). */
  classLoss: number;
  /** The final head's box loss (`parts.box`). */
  boxLoss: number;
  /** Every named loss part (`cls`, `box`; two-stage also `rpnObj`, `rpnBox`, Mask R-CNN `mask`). */
  parts: Record<string, number>;
  lr: number;
  imagesPerSecond: number;
  /** Seconds left at the current pace. */
  etaSeconds: number;
}

/** Hooks through which a caller (CLI, worker) observes and steers a run. */
export interface TrainHooks {
  onProgress?(progress: TrainProgress): void | Promise<void>;
  /** Called every `checkpointEvery` steps and at the end, with the serialised checkpoint. */
  onCheckpoint?(checkpoint: Uint8Array, step: number): void | Promise<void>;
  /** Polled between steps; true stops the run after checkpointing ('stopped'). */
  shouldStop?(): boolean;
  /**
   * Called every `train.evalEvery` steps but the last (whose evaluation is the caller's final one)
   * with the evaluation of `TrainOptions.evalSource`, before that step's checkpoint: a run resumed
   * from an earlier checkpoint evaluates the step again rather than skipping it.
   */
  onEvaluation?(step: number, evaluation: DetectorEvaluation): void | Promise<void>;
}

export interface TrainOptions {
  detector: Detector;
  source: TrainDataSource;
  train: TrainConfig;
  seed: number;
  /** A checkpoint from `onCheckpoint` to resume from (its step, optimiser, schedule and data order). */
  resumeFrom?: Uint8Array;
  hooks?: TrainHooks;
  /**
   * The validation split of `train.evalEvery`, iterated once per evaluation; the caller owns the
   * data, so the trainer loads none. Absent = no evaluation during training.
   */
  evalSource?: EvalSource;
}

export type TrainStatus = 'completed' | 'diverged' | 'stopped';

export interface TrainResult {
  status: TrainStatus;
  /** Last completed step (for 'diverged', the step whose loss was not finite). */
  step: number;
  finalLoss: number;
}
