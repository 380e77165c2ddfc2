import type { EarlyStopping } from '@ablate/jobs';
import type { PromotedRun, RungDecision } from '@ablate/store';
import type { RunConfig } from '@ablate/detection';
import type { ReproducibilityRecord } from '@ablate/data';
import type { AttemptInfo as StoredAttemptInfo } from '@ablate/store';

export type { ReproducibilityRecord };

/** One entry of a dataset's category table. */
export interface Category {
  id: number;
  name: string;
}

/**
 * What the worker needs from its neighbours, as narrow interfaces. The adapters beside this file
 * map them onto @ablate/store, @ablate/data and @ablate/detection, so the processors and their
 * tests depend on these few names only.
 */

/** Where and on what a run attempt executes (the store's record of it); the worker always knows the step it starts from. */
export type AttemptInfo = Required<StoredAttemptInfo>;

/** One row of training metrics; keyed by (run, step) so a replay overwrites instead of adding. */
export interface MetricRow {
  step: number;
  loss: number;
  classLoss: number;
  boxLoss: number;
  lr: number;
  imagesPerSecond: number;
}

export interface CheckpointRecord {
  step: number;
  bytes: Uint8Array;
}

/** How a run ended, as the store records it. */
export type RunEnd =
  | { status: 'completed'; step: number; finalLoss: number }
  | { status: 'diverged'; step: number; finalLoss: number; error: string }
  | { status: 'cancelled'; step: number }
  | { status: 'failed'; error: string };

/** An evaluation (the final one, or one of `train.evalEvery`): the COCO summary statistics by iou type plus whatever detail the evaluator gives. */
export interface EvaluationRecord {
  /** Dataset URI evaluated on (the run's `dataset.val`). */
  dataset: string;
  /** Checkpoint step evaluated. */
  step: number;
  /**
   * By iou type (`bbox`; `segm` for a detector with masks; any other the evaluator scores), its
   * stats: AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl for COCO's, fractions,
   * −1 where COCO reports −1.
   */
  stats: Record<string, Record<string, number>>;
  /** Per-class AP by iou type. */
  perClass?: Record<string, { categoryId: number; name?: string; ap: number }[]>;
  prCurves?: unknown;
  /** COCO results (bbox [x, y, w, h] px; plus `segmentation` RLEs for a detector with masks). */
  detections?: unknown[];
}

/** The store as a run in a sandboxed child sees it. */
export interface RunStorePort {
  /** The early stopping (ASHA) of the run's sweep and the rung the run is at; null without. */
  ashaPlanOf(runId: string): Promise<{ sweepId: string; rung: number; earlyStopping: EarlyStopping } | null>;
  /** Records the run's metric at its rung and applies ASHA's promotions, in one transaction (@ablate/store). */
  recordRung(input: { sweepId: string; runId: string; rung: number; value: number; earlyStopping: EarlyStopping }): Promise<RungDecision>;
  /**
   * Records the attempt and marks the run running. Resolves `started: false` when the run must not be
   * trained: it already ended (an earlier attempt finished it) or was cancelled meanwhile.
   */
  markRunStarted(runId: string, info: AttemptInfo): Promise<{ started: true } | { started: false; status: string; step: number }>;
  /**
   * Closes as failed the attempts before `attempt` still marked running: their worker was lost
   * (killed, crashed) and never recorded their end. Returns how many it closed.
   */
  closeLostAttempts(runId: string, attempt: number): Promise<number>;
  /** How many of the run's attempts ended with their worker lost (killed or crashed, never recording an end). */
  lostWorkerCount(runId: string): Promise<number>;
  recordMetrics(runId: string, rows: MetricRow[]): Promise<void>;
  /** The run's live step, loss and throughput (what `GET /sweeps/:id` shows between metric rows). */
  recordProgress(runId: string, progress: { step: number; loss: number; imagesPerSecond: number }): Promise<void>;
  /** Saves the checkpoint of `step` and deletes the run's older ones beyond the newest `keep` (absent: the store's default). */
  saveCheckpoint(runId: string, step: number, bytes: Uint8Array, keep?: number): Promise<void>;
  latestCheckpoint(runId: string): Promise<CheckpointRecord | null>;
  isCancelled(runId: string): Promise<boolean>;
  /**
   * Upserts the evaluation of (run, dataset, step), so a replayed step overwrites its row. `final`
   * (the default) makes it the run's final evaluation; `train.evalEvery`'s are not. Returns its id.
   */
  saveEvaluation(runId: string, evaluation: EvaluationRecord, options?: { final?: boolean }): Promise<string>;
  /** The training set's category table, as the worker loaded it (names for per-class AP and drawn boxes). */
  recordCategories(runId: string, categories: Category[]): Promise<void>;
  /** What this attempt runs with (code, libraries, data); replaces the previous attempt's record. */
  recordReproducibility(runId: string, record: ReproducibilityRecord): Promise<void>;
  /** Ends the run and its current attempt for good. */
  finishRun(runId: string, attempt: number, end: RunEnd): Promise<void>;
  /**
   * Ends an attempt that another will follow (a shutdown requeue, an error BullMQ will retry):
   * the attempt is recorded as failed with `reason`, the run goes back to 'queued'.
   */
  requeueRun(runId: string, attempt: number, step: number, reason: string): Promise<void>;
  /** Resolves when PostgreSQL answers (waiting out an outage). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The store as the worker's main process (sweep rollup, final failures) sees it. */
export interface SweepStorePort {
  /** Records a run's final failure unless the run already ended (a sandbox may have recorded it). */
  failRunIfOpen(runId: string, error: string): Promise<void>;
  /** Records an evaluation's final failure unless it already completed. */
  failEvaluationIfOpen(evaluationId: string, error: string): Promise<void>;
  /** Marks the sweep done; its status follows from its runs' fates. */
  finishSweep(sweepId: string): Promise<void>;
  /** Resolves when PostgreSQL answers (waiting out an outage). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Progress reported by the training wrapper (a subset of TrainProgress). */
export interface TrainingProgress {
  step: number;
  totalSteps: number;
  loss: number;
  classLoss: number;
  boxLoss: number;
  lr: number;
  imagesPerSecond: number;
  etaSeconds: number;
}

export interface TrainingHooks {
  onProgress(progress: TrainingProgress): Promise<void>;
  onCheckpoint(bytes: Uint8Array, step: number): Promise<void>;
  /** An evaluation of `train.evalEvery` (not the final one, which is the outcome's). */
  onEvaluation(evaluation: EvaluationRecord): Promise<void>;
  shouldStop(): boolean;
}

export interface TrainingOutcome {
  status: 'completed' | 'diverged' | 'stopped';
  step: number;
  finalLoss: number;
  /** Present when status is 'completed'. */
  evaluation?: EvaluationRecord;
}

/** Data loading + training + evaluation of one RunConfig. */
export interface TrainingPort {
  run(
    config: RunConfig,
    options: { hooks: TrainingHooks; resumeFrom?: Uint8Array; dataRoot: string; onCategories?(categories: Category[]): Promise<void> },
  ): Promise<TrainingOutcome>;
  /** True for an error the user caused (bad dataset, bad config): retrying cannot help. */
  isUserError(err: unknown): boolean;
}

export interface BackendPort {
  init(): Promise<{ backend: string; device: string }>;
}

/** What the `evaluate` job needs from the store. */
export interface EvaluationStorePort {
  /** The checkpoint of `step`, or the run's latest when `step` is null; null when there is none. */
  checkpointFor(runId: string, step: number | null): Promise<CheckpointRecord | null>;
  markEvaluationRunning(evaluationId: string): Promise<void>;
  completeEvaluation(evaluationId: string, result: Omit<EvaluationRecord, 'dataset' | 'step'>): Promise<void>;
  failEvaluation(evaluationId: string, error: string): Promise<void>;
}

/** Evaluates a checkpoint's detector on a dataset (COCO bbox). */
export interface EvaluatorPort {
  evaluate(checkpoint: Uint8Array, dataset: string, dataRoot: string): Promise<Omit<EvaluationRecord, 'dataset'>>;
}

/** Adds the train jobs of runs ASHA promoted (their next rung), from the worker that decided it. */
export interface PromotionQueuePort {
  enqueue(runs: PromotedRun[]): Promise<void>;
}
