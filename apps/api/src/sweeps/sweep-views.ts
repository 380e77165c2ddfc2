import type { RunEntity, SweepEntity, SweepProgress } from '@ablate/store';

/** A sweep as listed. */
export function sweepSummary(s: SweepEntity) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    status: s.status,
    dataset: { train: s.datasetTrain, val: s.datasetVal },
    variedPaths: s.variedPaths,
    runCount: s.runCount,
    priority: s.priority,
    createdAt: s.createdAt,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    cancelRequestedAt: s.cancelRequestedAt,
  };
}

/** A run as a line of its sweep's page. */
export function runLine(r: RunEntity) {
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
    /** Why the run failed, diverged or was cancelled; null while it is fine. */
    error: r.error,
    worker: r.workerHost ? { host: r.workerHost, pid: r.workerPid } : null,
    finalEvaluationId: r.finalEvaluationId,
  };
}

/** GET /sweeps/:id: the sweep, its progress and ETA, and its runs grouped by status. */
export function sweepDetail(s: SweepEntity, progress: SweepProgress, runs: RunEntity[]) {
  const byStatus: Record<string, ReturnType<typeof runLine>[]> = {};
  for (const r of runs) (byStatus[r.status] ??= []).push(runLine(r));
  return { ...sweepSummary(s), spec: s.spec, progress, runsByStatus: byStatus };
}
