import { NotFoundError, openStore, storeOptionsFromEnv, type EvaluationResult } from '@ablate/store';
import type { EvaluationStorePort, RunStorePort, SweepStorePort } from './ports';

const ENDED = new Set(['completed', 'failed', 'diverged', 'cancelled', 'stopped']);

/** What a lost attempt's error says (and how lostWorkerCount finds them). */
const LOST_WORKER = 'lost (no heartbeat)';

/**
 * The store over `databaseUrl`. Checkpoints go to PostgreSQL (workers elsewhere need only the
 * database), or to `ABLATE_ARTIFACT_DIR` on shared storage when that is set. The API runs the
 * migrations; a worker started first runs them too (the store serialises them with a lock).
 */
function openRepositories(databaseUrl: string, poolSize: number) {
  return openStore({ ...storeOptionsFromEnv(), url: databaseUrl, poolSize });
}

/** The store of a sandboxed child (one run at a time: a small pool). */
export async function createRunStore(databaseUrl: string): Promise<RunStorePort & EvaluationStorePort> {
  const r = await openRepositories(databaseUrl, 3);
  return {
    ashaPlanOf: (runId) => r.asha.planOf(runId),
    recordRung: (input) => r.asha.recordRung(input),
    markRunStarted: async (runId, info) => {
      if (await r.runs.markRunStarted(runId, info)) return { started: true };
      const run = await r.runs.get(runId);
      return { started: false, status: run.status, step: run.step };
    },
    closeLostAttempts: async (runId, attempt) => {
      const lost = (await r.runs.attemptsOf(runId)).filter((a) => a.status === 'running' && a.attempt < attempt);
      for (const a of lost) await r.runs.failAttempt(runId, a.attempt, { error: `worker ${a.workerHost}:${a.workerPid} ${LOST_WORKER}; resumed by attempt ${attempt}` });
      return lost.length;
    },
    lostWorkerCount: async (runId) => (await r.runs.attemptsOf(runId)).filter((a) => a.error?.includes(LOST_WORKER)).length,
    recordMetrics: (runId, rows) =>
      r.metrics.recordMany(
        runId,
        rows.map(({ step, ...values }) => ({ step, values })),
      ),
    recordProgress: (runId, p) => r.runs.recordProgress(runId, p),
    saveCheckpoint: (runId, step, bytes, keep) => r.checkpoints.saveCheckpoint(runId, step, bytes, keep),
    latestCheckpoint: (runId) => r.checkpoints.latestCheckpoint(runId),
    isCancelled: (runId) => r.runs.isCancelRequested(runId),
    saveEvaluation: async (runId, evaluation, options) => (await r.evaluations.saveEvaluation(runId, evaluation as EvaluationResult, options)).id,
    recordCategories: (runId, categories) => r.runs.recordCategories(runId, categories),
    recordReproducibility: (runId, record) => r.runs.recordReproducibility(runId, record),
    finishRun: async (runId, _attempt, end) => {
      const { status } = end;
      const error = 'error' in end ? end.error : null;
      const step = 'step' in end ? end.step : undefined;
      await r.runs.finishRun(runId, status, { error, step });
    },
    requeueRun: (runId, attempt, step, reason) => r.runs.failAttempt(runId, attempt, { step, error: reason }),
    checkpointFor: (runId, step) => (step === null ? r.checkpoints.latestCheckpoint(runId) : r.checkpoints.checkpointAt(runId, step)),
    markEvaluationRunning: (id) => r.evaluations.markRunning(id),
    completeEvaluation: async (id, result) => {
      await r.evaluations.completeEvaluation(id, result as Omit<EvaluationResult, 'dataset' | 'step'>);
    },
    failEvaluation: (id, error) => r.evaluations.failEvaluation(id, error),
    ping: () => r.ping(),
    close: () => r.close(),
  };
}

/** The store of the worker's main process: final failures and the sweep rollup. */
export async function createSweepStore(databaseUrl: string): Promise<SweepStorePort> {
  const r = await openRepositories(databaseUrl, 2);
  return {
    failRunIfOpen: async (runId, error) => {
      // Only a run that does not exist is skipped: an outage must surface, so the caller retries it.
      const run = await r.runs.get(runId).catch(nullIfNotFound);
      if (run && !ENDED.has(run.status)) await r.runs.finishRun(runId, 'failed', { error });
    },
    failEvaluationIfOpen: async (id, error) => {
      const evaluation = await r.evaluations.get(id).catch(nullIfNotFound);
      if (evaluation && evaluation.status !== 'completed') await r.evaluations.failEvaluation(id, error);
    },
    finishSweep: async (sweepId) => {
      await r.sweeps.refreshStatus(sweepId);
    },
    ping: () => r.ping(),
    close: () => r.close(),
  };
}

function nullIfNotFound(err: unknown): null {
  if (err instanceof NotFoundError) return null;
  throw err;
}
