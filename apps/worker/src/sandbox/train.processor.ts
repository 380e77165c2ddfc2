import { UnrecoverableError, WaitingError, type SandboxedJob } from 'bullmq';
import { parseTrainPayload, type TrainJobResult } from '../glue/jobs.glue';
import { childContext } from './child-context';
import { rideOutStoreOutages } from './store-outage';
import { executeTrainRun, type TrainJobProgress } from './train-run';

/**
 * The sandboxed processor of the `train` queue: runs in a child process (see train.sandbox.js),
 * so the CPU-bound training loop never blocks the main process that renews the job's lock.
 *
 * Failure policy, as BullMQ sees it: a diverged run or a user error (bad dataset) throws
 * UnrecoverableError (no retry); a shutdown puts the job back in wait without spending an attempt
 * (moveToWait + WaitingError); anything else is thrown as is and retried with backoff.
 */
export default async function processTrainJob(
  job: SandboxedJob<unknown, TrainJobResult>,
  token?: string,
  signal?: AbortSignal,
): Promise<TrainJobResult> {
  const ctx = await childContext();
  let payload;
  try {
    payload = parseTrainPayload(job.data);
  } catch (err) {
    // A malformed payload stays malformed on every retry.
    throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
  }
  // A PostgreSQL outage is waited out inside this attempt and the run resumed from its checkpoint:
  // it must not consume the run's attempts (three used to go within seconds of a restart).
  const outcome = await rideOutStoreOutages(() => executeTrainRun({
    runId: payload.runId,
    config: payload.config,
    rung: payload.rung ?? 0,
    promotions: ctx.promotions,
    // attemptsStarted counts every start, including a stalled job's recovery and a requeue after
    // SIGTERM, which attemptsMade (failures only) would not tell apart.
    attempt: (payload.attemptOffset ?? 0) + Math.max(job.attemptsStarted, job.attemptsMade + 1),
    store: ctx.store,
    training: ctx.training,
    backend: ctx.backend,
    reportProgress: (p: TrainJobProgress) => job.updateProgress({ ...p }),
    signal,
    proc: process,
    metricsEvery: ctx.config.metricsEvery,
    cancelPollMs: ctx.config.cancelPollMs,
    maxLostWorkers: ctx.config.maxAttempts,
    dataRoot: ctx.config.dataRoot,
  }), {
    budgetMs: ctx.config.outageBudgetMs,
    ping: () => ctx.store.ping(),
    onOutage: (err) => console.warn(`run ${payload.runId}: PostgreSQL unreachable (${(err as Error).message}); waiting up to ${ctx.config.outageBudgetMs / 1000} s, then resuming from the checkpoint`),
  });
  switch (outcome.kind) {
    case 'completed':
      return { runId: payload.runId, status: 'completed', step: outcome.step, finalLoss: outcome.finalLoss, evaluationId: outcome.evaluationId };
    case 'cancelled':
      return { runId: payload.runId, status: 'cancelled', step: outcome.step, finalLoss: null };
    case 'skipped':
      return { runId: payload.runId, status: outcome.status === 'completed' ? 'completed' : 'cancelled', step: outcome.step, finalLoss: null };
    case 'requeue':
      await job.moveToWait(token);
      throw new WaitingError();
    case 'diverged':
    case 'user-error':
      throw new UnrecoverableError(outcome.message);
  }
}
