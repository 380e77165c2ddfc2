import type { JobsOptions } from 'bullmq';
import type { RunConfig } from '@ablate/detection';
import { trainJobId } from './asha';
import type { TrainJobData } from './job-payloads';

/** A run as its train job needs it. */
export interface TrainableRun {
  id: string;
  sweepId: string | null;
  config: RunConfig;
  priority: number | null;
  /** ASHA's rung (0 without early stopping). */
  rung: number;
}

/** How train jobs are retried and kept: the same for the API's first jobs and a worker's promotions. */
export interface TrainJobPolicy {
  attempts: number;
  backoffMs: number;
}

/**
 * The `train` job of a run at its rung: id `trainJobId(run, rung)` (the run's id at rung 0, so a
 * repeated add is a no-op), retries with exponential backoff, kept a week when done.
 * `attemptOffset` numbers its attempts after the run's earlier ones (a re-enqueued or promoted run).
 */
export function trainJob(run: TrainableRun, policy: TrainJobPolicy, attemptOffset?: number): { name: 'train'; data: TrainJobData; opts: JobsOptions } {
  const data: TrainJobData = {
    runId: run.id,
    sweepId: run.sweepId,
    config: run.config,
    ...(run.rung > 0 ? { rung: run.rung } : {}),
    ...(attemptOffset !== undefined ? { attemptOffset } : {}),
  };
  return {
    name: 'train',
    data,
    opts: {
      jobId: trainJobId(run.id, run.rung),
      attempts: policy.attempts,
      backoff: { type: 'exponential', delay: policy.backoffMs },
      ...(run.priority !== null ? { priority: run.priority } : {}),
      // A promoted run goes before the runs still waiting for their first rung (ASHA's get_job prefers promotions).
      ...(run.rung > 0 && run.priority === null ? { lifo: true } : {}),
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  };
}
