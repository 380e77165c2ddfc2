import type { RunCounts, RunLine, SweepDetail, SweepSummary } from '@ablate/contract';
import type { RunEntity, SweepEntity, SweepProgress } from '@ablate/store';
import { iso } from '../http/wire';

/**
 * The sweep responses of @ablate/contract (SweepSummary, SweepDetail, RunLine), typed against it:
 * every sweep carries `runCounts`, and the responses that list runs carry them flat, in expansion
 * order, each with its status (see RunCountsSchema for why).
 */

/** A sweep as listed, with its run counts by status. */
export function sweepSummary(s: SweepEntity, runCounts: RunCounts): SweepSummary {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    status: s.status,
    dataset: { train: s.datasetTrain, val: s.datasetVal },
    variedPaths: s.variedPaths,
    runCount: s.runCount,
    runCounts,
    priority: s.priority,
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
  const { byStatus, total, ended, fraction, etaSeconds } = progress;
  return {
    ...sweepSummary(s, byStatus),
    spec: s.spec,
    progress: { total, ended, fraction, etaSeconds },
    runs: [...runs].sort((a, b) => a.index - b.index).map(runLine),
  };
}
