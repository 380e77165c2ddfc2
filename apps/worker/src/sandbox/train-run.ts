import { hostname } from 'node:os';
import { reproducibilityRecord } from '@ablate/data';
import type { RunConfig } from '@ablate/detection';
import { rungMetric } from '@ablate/jobs';
import type { BackendPort, EvaluationRecord, MetricRow, PromotionQueuePort, RunStorePort, TrainingPort, TrainingProgress } from '../glue/ports';
import { StopLatch, watchStopSources } from './stop-signal';

/** What a train job reports as its BullMQ progress (read by the API, the CLI and the dashboard). */
export interface TrainJobProgress {
  step: number;
  totalSteps: number;
  loss: number;
  lr: number;
  imagesPerSecond: number;
  /** Seconds left at the current pace. */
  eta: number;
  attempt: number;
}

/** One execution of a train job, with BullMQ kept out: the processor maps the outcome onto it. */
export interface TrainRunContext {
  runId: string;
  config: RunConfig;
  /** 1-based number of this start of the job. */
  attempt: number;
  store: RunStorePort;
  training: TrainingPort;
  backend: BackendPort;
  reportProgress(progress: TrainJobProgress): Promise<void>;
  signal?: AbortSignal;
  proc?: NodeJS.Process;
  metricsEvery: number;
  cancelPollMs: number;
  /**
   * Starts a run may get after losing its worker (killed, crashed) before it is failed: what
   * BullMQ's stalled-job limit used to bound. Counted in the store, so a Redis outage that makes
   * BullMQ see a stall while the worker lives on consumes none. @defaultValue no limit
   */
  maxLostWorkers?: number;
  dataRoot: string;
  /** Minimum time between two progress reports, ms (every step would flood Redis). @defaultValue 250 */
  progressEveryMs?: number;
  /** ASHA's rung this job trains to (its payload's); a job of a rung the run has left is stale. @defaultValue 0 */
  rung?: number;
  /** Where the runs ASHA promotes get their next job (a sweep with earlyStopping). */
  promotions?: PromotionQueuePort;
}

/**
 * How the run ended, for the processor to turn into a BullMQ result:
 * - 'completed' / 'cancelled': the job completes;
 * - 'diverged' / 'user-error': the job fails without retry (UnrecoverableError);
 * - 'requeue': the worker is shutting down; the run was checkpointed and goes back to wait;
 * - 'skipped': the run had already ended (cancelled while queued, or finished); the job completes.
 * Any other error is thrown, so BullMQ retries it with backoff.
 */
export type TrainRunOutcome =
  | { kind: 'completed'; step: number; finalLoss: number; evaluation?: EvaluationRecord; evaluationId?: string }
  | { kind: 'cancelled'; step: number }
  | { kind: 'requeue'; step: number }
  | { kind: 'diverged'; step: number; message: string }
  | { kind: 'user-error'; message: string }
  | { kind: 'skipped'; status: string; step: number };

/**
 * The worker's process id: the main process that took the job (the one to signal or to look for),
 * not the sandboxed child that trains, which is its implementation detail.
 */
function workerPid(): number {
  return process.send !== undefined ? process.ppid : process.pid;
}

function metricRow(p: TrainingProgress): MetricRow {
  return { step: p.step, loss: p.loss, classLoss: p.classLoss, boxLoss: p.boxLoss, lr: p.lr, imagesPerSecond: p.imagesPerSecond };
}

/**
 * Runs one attempt of a training run: records where it runs, resumes from the run's latest
 * checkpoint, trains with progress, metrics and checkpoints flowing to the job and the store,
 * stops at the next step when cancelled or shut down, and records how it ended.
 */
export async function executeTrainRun(ctx: TrainRunContext): Promise<TrainRunOutcome> {
  const { runId, store } = ctx;
  const { backend, device } = await ctx.backend.init();
  const checkpoint = await store.latestCheckpoint(runId);
  const startStep = checkpoint?.step ?? 0;
  await store.closeLostAttempts(runId, ctx.attempt);
  const lost = await store.lostWorkerCount(runId);
  if (ctx.maxLostWorkers !== undefined && lost >= ctx.maxLostWorkers) {
    const message = `its worker was lost ${lost} times (killed or crashed; ABLATE_MAX_ATTEMPTS=${ctx.maxLostWorkers})`;
    await store.finishRun(runId, ctx.attempt, { status: 'failed', error: message });
    return { kind: 'user-error', message };
  }
  // Under early stopping, a job of a rung the run has already left (a replay after its promotion) trains nothing.
  const asha = await store.ashaPlanOf(runId);
  if (asha && asha.rung !== (ctx.rung ?? 0)) return { kind: 'skipped', status: 'completed', step: startStep };
  const start = await store.markRunStarted(runId, { attempt: ctx.attempt, host: hostname(), pid: workerPid(), backend, device, startStep });
  // Ended meanwhile (cancelled while queued, or finished by an earlier attempt): nothing to train.
  if (!start.started) return { kind: 'skipped', status: start.status, step: start.step };
  // Never fails for want of git or a readable dataset: those parts of the record are null instead.
  await store.recordReproducibility(runId, await reproducibilityRecord(ctx.config.dataset, { dataRoot: ctx.dataRoot }));

  const latch = new StopLatch();
  const unwatch = watchStopSources(latch, {
    signal: ctx.signal,
    proc: ctx.proc,
    isCancelled: () => store.isCancelled(runId),
    pollMs: ctx.cancelPollMs,
  });
  const progressEveryMs = ctx.progressEveryMs ?? 250;
  let lastReport = 0;
  // The store's copy of the step is what the API shows; once a second is live enough.
  const storeProgressEveryMs = Math.max(1000, progressEveryMs);
  let lastStored = Date.now();
  const hooks = {
    shouldStop: latch.shouldStop,
    onCheckpoint: (bytes: Uint8Array, step: number) => store.saveCheckpoint(runId, step, bytes, ctx.config.train.keepCheckpoints),
    // Upserted on (run, dataset, step): an attempt that re-reaches the step overwrites its row.
    onEvaluation: async (evaluation: EvaluationRecord) => void (await store.saveEvaluation(runId, evaluation, { final: false })),
    onProgress: async (p: TrainingProgress) => {
      const last = p.step === p.totalSteps;
      // Keyed by (run, step): the steps a resumed attempt replays overwrite their rows.
      if (p.step % ctx.metricsEvery === 0 || last) await store.recordMetrics(runId, [metricRow(p)]);
      const now = Date.now();
      if (now - lastReport >= progressEveryMs || last) {
        lastReport = now;
        const { step, totalSteps, loss, lr, imagesPerSecond, etaSeconds } = p;
        await ctx.reportProgress({ step, totalSteps, loss, lr, imagesPerSecond, eta: etaSeconds, attempt: ctx.attempt });
      }
      if (now - lastStored >= storeProgressEveryMs) {
        lastStored = now;
        await store.recordProgress(runId, { step: p.step, loss: p.loss, imagesPerSecond: p.imagesPerSecond });
      }
    },
  };

  let result;
  let lastStep = startStep;
  try {
    result = await ctx.training.run(ctx.config, {
      hooks: { ...hooks, onProgress: (p: TrainingProgress) => ((lastStep = p.step), hooks.onProgress(p)) },
      resumeFrom: checkpoint?.bytes,
      dataRoot: ctx.dataRoot,
      onCategories: (categories) => store.recordCategories(runId, categories),
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!ctx.training.isUserError(err)) {
      // BullMQ retries it (or gives up, and the main process records the final failure).
      await store.requeueRun(runId, ctx.attempt, lastStep, message).catch(() => undefined);
      throw err;
    }
    await store.finishRun(runId, ctx.attempt, { status: 'failed', error: message });
    return { kind: 'user-error', message };
  } finally {
    unwatch();
  }
  return recordEnd(ctx, result, latch.reason, asha);
}

async function recordEnd(
  ctx: TrainRunContext,
  result: Awaited<ReturnType<TrainingPort['run']>>,
  stopReason: StopLatch['reason'],
  asha: RungPlan | null,
): Promise<TrainRunOutcome> {
  const { runId, store } = ctx;
  switch (result.status) {
    case 'completed':
    {
      const evaluationId = result.evaluation ? await store.saveEvaluation(runId, result.evaluation) : undefined;
      const rung = asha ? rungResult(asha, result.evaluation) : undefined;
      if (rung && 'error' in rung) {
        await store.finishRun(runId, ctx.attempt, { status: 'failed', error: rung.error });
        return { kind: 'user-error', message: rung.error };
      }
      await store.finishRun(runId, ctx.attempt, { status: 'completed', step: result.step, finalLoss: result.finalLoss });
      if (rung) await decideRung(ctx, rung);
      return { kind: 'completed', step: result.step, finalLoss: result.finalLoss, evaluation: result.evaluation, evaluationId };
    }
    case 'diverged': {
      const message = `run ${runId} diverged: loss ${result.finalLoss} at step ${result.step}`;
      await store.finishRun(runId, ctx.attempt, { status: 'diverged', step: result.step, finalLoss: result.finalLoss, error: message });
      return { kind: 'diverged', step: result.step, message };
    }
    case 'stopped':
      if (stopReason === 'cancelled') {
        await store.finishRun(runId, ctx.attempt, { status: 'cancelled', step: result.step });
        return { kind: 'cancelled', step: result.step };
      }
      // Shutdown: the trainer has checkpointed; the run goes back to the queue and resumes elsewhere.
      await store.requeueRun(runId, ctx.attempt, result.step, 'worker shut down; run requeued from its checkpoint');
      return { kind: 'requeue', step: result.step };
  }
}

type RungPlan = NonNullable<Awaited<ReturnType<RunStorePort['ashaPlanOf']>>>;

/**
 * Under early stopping (the plan read as the attempt started), the run's metric at the end of its
 * rung from the rung's evaluation, or why there is none (a metric the evaluation lacks fails the run, naming it).
 */
function rungResult(plan: RungPlan, evaluation: EvaluationRecord | undefined): { plan: RungPlan; value: number } | { error: string } {
  const { metric } = plan.earlyStopping;
  const value = evaluation ? rungMetric(evaluation.stats, metric) : undefined;
  if (value !== undefined) return { plan, value };
  return { error: `earlyStopping.metric '${metric}' is not among the stats of the rung's evaluation (${Object.keys(evaluation?.stats ?? {}).join(', ') || 'none'})` };
}

/** ASHA's decision at the end of a rung (a transaction in the store), and the next jobs of the runs it promotes. */
async function decideRung(ctx: TrainRunContext, { plan, value }: { plan: RungPlan; value: number }): Promise<void> {
  const decision = await ctx.store.recordRung({ sweepId: plan.sweepId, runId: ctx.runId, rung: plan.rung, value, earlyStopping: plan.earlyStopping });
  await ctx.promotions?.enqueue(decision.promoted);
}
