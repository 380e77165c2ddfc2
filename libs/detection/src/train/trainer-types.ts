import type { TrainConfig } from '../config';
import type { Detector } from '../models/detector';
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
}

export interface TrainOptions {
  detector: Detector;
  source: TrainDataSource;
  train: TrainConfig;
  seed: number;
  /** A checkpoint from `onCheckpoint` to resume from (its step, optimiser, schedule and data order). */
  resumeFrom?: Uint8Array;
  hooks?: TrainHooks;
}

export type TrainStatus = 'completed' | 'diverged' | 'stopped';

export interface TrainResult {
  status: TrainStatus;
  /** Last completed step (for 'diverged', the step whose loss was not finite). */
  step: number;
  finalLoss: number;
}
