import { z } from 'zod';
import { contractSchemas, IdSchema, RUN_STATUSES, RunStatusSchema, SWEEP_STATUSES, SweepStatusSchema, TimestampSchema, WorkerSchema } from './common';
import { intParam, listParam, stringParam } from './query';

/**
 * How a sweep's runs appear, the same in every sweep response: `runCounts` (status → number of
 * runs, every status present) in each sweep, and `runs` (RunLine[], each with its `status`, in
 * expansion order) in the responses that list them (`POST /sweeps`, `GET /sweeps/:id`). Counts are
 * what a list needs and cost one grouped query for a page of sweeps; a flat list in expansion order
 * is what a page of runs shows (a client that wants them by status filters; grouping them, as
 * `runsByStatus` did, lost the order and gave one name two shapes).
 */
export const RunCountsSchema = z
  .object(Object.fromEntries(RUN_STATUSES.map((s) => [s, z.number().int().min(0)])) as Record<(typeof RUN_STATUSES)[number], z.ZodNumber>)
  .register(contractSchemas, { id: 'RunCounts', description: 'Runs of the sweep by status (every status present)' });
export type RunCounts = z.infer<typeof RunCountsSchema>;

/** Progress of a sweep (its counts by status are the sweep's `runCounts`). */
export const SweepProgressSchema = z
  .object({
    total: z.number().int(),
    ended: z.number().int().describe('Runs in an ended status'),
    fraction: z.number().min(0).max(1).describe("Fraction of the sweep's work done: ended runs count 1, running runs step / totalSteps"),
    etaSeconds: z.number().nullable().describe('Seconds until every run has ended at the pace so far; null until a run has made progress'),
  })
  .register(contractSchemas, { id: 'SweepProgress' });
export type SweepProgress = z.infer<typeof SweepProgressSchema>;

/** A sweep as listed (`GET /sweeps`, the `sweep` of `POST /sweeps/:id/cancel`). */
export const SweepSummarySchema = z
  .object({
    id: IdSchema,
    name: z.string(),
    description: z.string().nullable(),
    status: SweepStatusSchema,
    dataset: z.object({ train: z.string(), val: z.string() }),
    variedPaths: z.array(z.string()).describe('The config paths the grid varies, in grid order'),
    runCount: z.number().int(),
    runCounts: RunCountsSchema,
    progress: SweepProgressSchema.describe('Live sweeps: from their runs’ steps, with an ETA; ended ones: their ended runs, no ETA'),
    priority: z.number().int().nullable(),
    tags: z.array(z.string()).describe('Tags, in the order given (PATCH /sweeps/:id edits them)'),
    note: z.string().describe("Free text; '' when there is none"),
    createdAt: TimestampSchema,
    startedAt: TimestampSchema.nullable(),
    finishedAt: TimestampSchema.nullable(),
    cancelRequestedAt: TimestampSchema.nullable(),
  })
  .register(contractSchemas, { id: 'SweepSummary' });
export type SweepSummary = z.infer<typeof SweepSummarySchema>;

/** A run as a line of its sweep's page. */
export const RunLineSchema = z
  .object({
    id: IdSchema,
    index: z.number().int().describe('Position in the expansion order'),
    key: z.string(),
    params: z.record(z.string(), z.unknown()).describe('The grid point: config path → value'),
    seed: z.number().int(),
    status: RunStatusSchema,
    step: z.number().int(),
    totalSteps: z.number().int(),
    attempts: z.number().int(),
    error: z.string().nullable().describe('Why the run failed, diverged or was cancelled; null while it is fine'),
    worker: WorkerSchema.nullable(),
    finalEvaluationId: IdSchema.nullable(),
  })
  .register(contractSchemas, { id: 'RunLine' });
export type RunLine = z.infer<typeof RunLineSchema>;



/** `POST /sweeps` and `GET /sweeps/:id`: the sweep, its spec, progress and runs in expansion order. */
export const SweepDetailSchema = SweepSummarySchema.extend({
  spec: z.record(z.string(), z.unknown()).describe('The validated SweepSpec (grid axes with canonical paths, seeds)'),
  runs: z.array(RunLineSchema),
}).register(contractSchemas, { id: 'SweepDetail' });
export type SweepDetail = z.infer<typeof SweepDetailSchema>;

/** `GET /sweeps`: newest first. */
export const SweepListSchema = z.array(SweepSummarySchema).register(contractSchemas, { id: 'SweepList' });

/** `POST /sweeps/:id/cancel`. */
export const SweepCancelSchema = z
  .object({
    sweep: SweepSummarySchema,
    cancelledRuns: z.number().int().describe('Queued runs now cancelled (their jobs removed)'),
    stoppingRuns: z.number().int().describe('Running runs that stop at their next step'),
    removedJobs: z.number().int(),
  })
  .register(contractSchemas, { id: 'SweepCancel' });
export type SweepCancel = z.infer<typeof SweepCancelSchema>;

/** `GET /sweeps?limit&offset&tag&status&q`. */
export const SweepListQuerySchema = z.object({
  limit: intParam(1, 500).default(50).describe('Sweeps per page (default 50)'),
  offset: intParam(0, 1_000_000).default(0).describe('Sweeps to skip, newest first (default 0)'),
  tag: listParam().optional().describe('Only sweeps carrying every one of these tags (comma-separated)'),
  status: z.enum(SWEEP_STATUSES, { error: `must be one of ${SWEEP_STATUSES.join(', ')}` }).optional().describe('Only sweeps in this status'),
  q: stringParam().pipe(z.string().max(200, 'must be at most 200 characters')).optional().describe('Only sweeps whose name contains this (case-insensitive)'),
});
