import { randomUUID } from 'node:crypto';
import type { RunConfig } from '@ablate/detection';
import { RunEntity } from '../entities';

/** What distinguishes a new run: its place in a sweep (if any), its config and its varied parameters. */
export interface NewRunFields {
  sweepId: string | null;
  index: number;
  key: string;
  name: string | null;
  config: RunConfig;
  params: Record<string, unknown>;
  priority: number | null;
}

/**
 * A queued run that has not started: every lifecycle column at its initial value, in one place
 * for both single runs (POST /runs) and the runs of a sweep.
 */
export function newQueuedRun(fields: NewRunFields, now: Date): RunEntity {
  return Object.assign(new RunEntity(), {
    id: randomUUID(),
    ...fields,
    seed: fields.config.seed,
    datasetTrain: fields.config.dataset.train,
    status: 'queued' as const,
    attempts: 0,
    workerHost: null,
    workerPid: null,
    backend: null,
    device: null,
    step: 0,
    totalSteps: fields.config.train.steps,
    loss: null,
    imagesPerSecond: null,
    error: null,
    cancelRequestedAt: null,
    finalEvaluationId: null,
    tags: [],
    note: '',
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
  });
}
