import type { RunCounts, RunLine, SweepDetail, SweepSummary } from '@ablate/contract';
import { ENDED_RUN_STATUSES, type RunEntity, type SweepEntity, type SweepProgress } from '@ablate/store';
import { iso } from '../http/wire';

/**
 * The sweep responses of @ablate/contract (SweepSummary, SweepDetail, RunLine), typed against it:
 * every sweep carries `runCounts`, and the responses that list runs carry them flat, in expansion
 * order, each with its status (see RunCountsSchema for why).
 */


/** The progress of a sweep whose runs have all ended (or that nobody waits on): from its counts, no ETA. */
export function progressFromCounts(runCount: number, runCounts: RunCounts): SweepProgress {
  const ended = ENDED_RUN_STATUSES.reduce((n, status) => n + runCounts[status], 0);
  return { byStatus: runCounts, total: runCount, ended, fraction: runCount === 0 ? 0 : ended / runCount, etaSeconds: null };
}

/** A sweep as listed, with its run counts by status and its progress. */
export function sweepSummary(s: SweepEntity, runCounts: RunCounts, progress: SweepProgress = progressFromCounts(s.runCount, runCounts)): SweepSummary {
  const { total, ended, fraction, etaSeconds } = progress;
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    status: s.status,
    dataset: { train: s.datasetTrain, val: s.datasetVal },
    variedPaths: s.variedPaths,
    runCount: s.runCount,
    runCounts,
    progress: { total, ended, fraction, etaSeconds },
    priority: s.priority,
    tags: s.tags,
    note: s.note,
    createdAt: iso(s.createdAt),
    startedAt: iso(s.startedAt),
    finishedAt: iso(s.finishedAt),
    cancelRequestedAt: iso(s.cancelRequestedAt),
  };
}

/** A run as a line of its sweep's page. */
export function runLine(r: RunEntity): RunLine {
  return {
    id: r.id,
    index: r.index,
    key: r.key,
    params: r.params,
    seed: r.seed,
    status: r.status,
    step: r.step,
    totalSteps: r.totalSteps,
    attempts: r.attempts,
    error: r.error,
    worker: r.workerHost ? { host: r.workerHost, pid: r.workerPid } : null,
    finalEvaluationId: r.finalEvaluationId,
  };
}

/** POST /sweeps and GET /sweeps/:id: the sweep, its spec, progress and ETA, and its runs in expansion order. */
export function sweepDetail(s: SweepEntity, progress: SweepProgress, runs: RunEntity[]): SweepDetail {
  return {
    ...sweepSummary(s, progress.byStatus, progress),
    spec: s.spec,
    runs: [...runs].sort((a, b) => a.index - b.index).map(runLine),
  };
}
