import { z } from 'zod';
import { StoredRunConfigSchema } from '@ablate/detection';
import type { QueueName } from './queues';
import { parseOrThrow } from './validation-error';

/**
 * `train` job: train one run. The job id IS the run id, so adding the same run twice is a no-op.
 * `config` is the validated RunConfig as stored in `runs.config` (the store row is the truth; it
 * travels in the job too so a worker needs no extra read to start).
 */
export const TrainJobDataSchema = z
  .object({
    runId: z.uuid(),
    /** null for a run posted on its own (POST /runs). */
    sweepId: z.uuid().nullable(),
    // Read as stored: a job queued before the family registry carries every family's sections.
    config: StoredRunConfigSchema,
    /**
     * Attempts the run had before this job (a job re-enqueued by the API's reconciler after its
     * first was lost): the worker numbers this job's attempts after them. @defaultValue 0
     */
    attemptOffset: z.number().int().min(0).optional(),
    /** ASHA's rung this job trains the run to (a sweep's earlyStopping); a job of an older rung is stale. @defaultValue 0 */
    rung: z.number().int().min(0).optional(),
  })
  .strict();

/**
 * `evaluate` job: evaluate a run's checkpoint on a dataset (POST /evaluations). The job id IS the
 * evaluation id; the worker fills the `evaluations` row created by the API.
 */
export const EvaluateJobDataSchema = z
  .object({
    evaluationId: z.uuid(),
    runId: z.uuid(),
    /** Dataset URI to evaluate on (see @ablate/data). */
    dataset: z.string().min(1),
    /** Checkpoint step; null means the run's latest checkpoint. */
    step: z.number().int().min(0).nullable(),
  })
  .strict();

/**
 * `sweep` job: the parent of a sweep's flow (job id = sweep id). BullMQ moves it to `wait` once
 * every child has ended (children are added with `ignoreDependencyOnFailure`, so failed runs count
 * as ended); its processor rolls the sweep's status up (`SweepRepository.refreshStatus`).
 */
export const SweepJobDataSchema = z.object({ sweepId: z.uuid() }).strict();

export type TrainJobData = z.infer<typeof TrainJobDataSchema>;
export type EvaluateJobData = z.infer<typeof EvaluateJobDataSchema>;
export type SweepJobData = z.infer<typeof SweepJobDataSchema>;

/** Job name → payload type. */
export interface JobPayloads {
  train: TrainJobData;
  evaluate: EvaluateJobData;
  sweep: SweepJobData;
}

/** Job name → payload schema. */
export const JOB_SCHEMAS: { readonly [K in QueueName]: z.ZodType<JobPayloads[K]> } = {
  train: TrainJobDataSchema,
  evaluate: EvaluateJobDataSchema,
  sweep: SweepJobDataSchema,
};

/** The discriminated union of all jobs: `switch (job.name)` narrows `job.data`. */
export type AblateJob = { [K in QueueName]: { name: K; data: JobPayloads[K] } }[QueueName];

/** Validates a job's payload (a worker should, before trusting it). Throws ValidationError naming the field. */
export function parseJobData<K extends QueueName>(name: K, data: unknown): JobPayloads[K] {
  return parseOrThrow(JOB_SCHEMAS[name] as z.ZodType<JobPayloads[K]>, data, `${name} job payload`);
}

/** What a `train` processor returns (the job's return value). */
export interface TrainJobResult {
  runId: string;
  status: 'completed' | 'diverged' | 'cancelled';
  /** Last completed step. */
  step: number;
  finalLoss: number | null;
  /** The final evaluation's id, when the run was evaluated. */
  evaluationId?: string;
}
