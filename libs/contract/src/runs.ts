import { z } from 'zod';
import { AttemptStatusSchema, contractSchemas, IdSchema, RUN_STATUSES, RunStatusSchema, TimestampSchema, WorkerSchema } from './common';
import { EvaluationSchema } from './evaluations';
import { intParam, listParam } from './query';

/**
 * A RunConfig of @ablate/detection (dataset, model, anchors, loss, train …), every field filled
 * in. It is validated on the way in (`POST /runs`, `POST /sweeps`); the contract passes it through
 * as an object, so a browser does not load the detector's schemas.
 */
export const RunConfigSchema = z
  .looseObject({})
  .register(contractSchemas, { id: 'RunConfig', description: 'A full RunConfig of @ablate/detection (see the RunRequest body for its fields)' });

/** A run (`POST /runs`, and the `run` of `POST /runs/:id/cancel`). */
export const RunSchema = z
  .object({
    id: IdSchema,
    sweepId: IdSchema.nullable().describe('null for a run posted on its own'),
    name: z.string().nullable(),
    key: z.string().describe('Stable key of the grid point and seed, unique within a sweep'),
    params: z.record(z.string(), z.unknown()).describe('The varied parameters: config path → value; {} for a lone run'),
    seed: z.number().int(),
    config: RunConfigSchema,
    status: RunStatusSchema,
    priority: z.number().int().nullable(),
    attempts: z.number().int().describe('Attempts started so far'),
    worker: WorkerSchema.nullable().describe('Worker of the current (or last) attempt'),
    backend: z.string().nullable().describe('tfjs backend: tensorflow, wasm or cpu'),
    device: z.string().nullable(),
    step: z.number().int().describe('Last completed step'),
    totalSteps: z.number().int(),
    loss: z.number().nullable(),
    imagesPerSecond: z.number().nullable(),
    error: z.string().nullable().describe('Why the run failed, diverged or was cancelled'),
    tags: z.array(z.string()).describe('Tags, in the order given (PATCH /runs/:id edits them)'),
    note: z.string().describe("Free text; '' when there is none"),
    cancelRequestedAt: TimestampSchema.nullable(),
    timings: z.object({
      createdAt: TimestampSchema,
      startedAt: TimestampSchema.nullable(),
      finishedAt: TimestampSchema.nullable(),
      updatedAt: TimestampSchema,
      wallSeconds: z.number().nullable(),
    }),
  })
  .register(contractSchemas, { id: 'Run' });
export type Run = z.infer<typeof RunSchema>;

/** One attempt at a run: which worker, from which step, how it ended. */
export const AttemptSchema = z
  .object({
    attempt: z.number().int().describe('1-based'),
    status: AttemptStatusSchema,
    worker: WorkerSchema,
    backend: z.string(),
    device: z.string(),
    startStep: z.number().int(),
    endStep: z.number().int().nullable(),
    error: z.string().nullable(),
    startedAt: TimestampSchema,
    endedAt: TimestampSchema.nullable(),
  })
  .register(contractSchemas, { id: 'Attempt' });

/** The metrics of one training step (loss terms, learning rate, images/s …); a non-finite value is null. */
export const MetricPointSchema = z
  .object({ step: z.number().int(), values: z.record(z.string(), z.number().nullable()) })
  .register(contractSchemas, { id: 'MetricPoint' });

/** One entry of a dataset's category table. */
export const CategorySchema = z
  .object({ id: z.number().int().describe("The dataset's category id (COCO category_id)"), name: z.string() })
  .register(contractSchemas, { id: 'Category' });

/** A dataset a run read and the sha256 that pins its content. */
const DatasetFingerprintSchema = z.object({
  uri: z.string(),
  sha256: z
    .string()
    .nullable()
    .describe('coco: of the annotations file; voc: of the split list and the annotation files it names; synthetic: of its canonical spec. null when unreadable'),
});

/** What the run's latest attempt ran with. */
export const ReproducibilitySchema = z
  .object({
    git: z
      .object({ commit: z.string(), dirty: z.boolean().describe('The checkout had uncommitted changes') })
      .nullable()
      .describe('The checkout the worker ran from; null outside a git checkout'),
    ablateVersion: z.string(),
    tfjsVersion: z.string().describe('@tensorflow/tfjs-core'),
    nodeVersion: z.string(),
    datasets: z.object({ train: DatasetFingerprintSchema, val: DatasetFingerprintSchema }),
    recordedAt: TimestampSchema,
  })
  .register(contractSchemas, { id: 'Reproducibility' });
export type Reproducibility = z.infer<typeof ReproducibilitySchema>;

/** `GET /runs/:id`: the run, its attempts, metrics by step, evaluations and the final one (with per-class AP and PR curves). */
export const RunDetailSchema = RunSchema.extend({
  attemptHistory: z.array(AttemptSchema),
  metrics: z.array(MetricPointSchema),
  evaluations: z.array(EvaluationSchema),
  finalEvaluation: EvaluationSchema.nullable(),
  categories: z.array(CategorySchema).nullable().describe("The training set's categories, sorted by id; null until a worker loaded it"),
  reproducibility: ReproducibilitySchema.nullable().describe('Recorded when an attempt starts; null before'),
}).register(contractSchemas, { id: 'RunDetail' });
export type RunDetail = z.infer<typeof RunDetailSchema>;

/** `POST /runs/:id/cancel`. */
export const RunCancelSchema = z
  .object({
    run: RunSchema,
    cancelled: z.boolean().describe('It was queued and is now cancelled'),
    stopping: z.boolean().describe('It is running and stops at its next step'),
    removedJobs: z.number().int(),
  })
  .register(contractSchemas, { id: 'RunCancel' });

/** `GET /runs/:id/checkpoint?step=`. */
export const CheckpointQuerySchema = z.object({
  step: intParam(0, 2 ** 31 - 1).optional().describe('Checkpoint step (default: the newest)'),
});

/** `GET /runs`: newest first. */
export const RunListSchema = z.array(RunSchema).register(contractSchemas, { id: 'RunList' });

/** `GET /runs?sweepId&tag&status&limit&offset`. */
export const RunListQuerySchema = z.object({
  sweepId: IdSchema.optional().describe("Only this sweep's runs"),
  tag: listParam().optional().describe('Only runs carrying every one of these tags (comma-separated)'),
  status: z.enum(RUN_STATUSES, { error: `must be one of ${RUN_STATUSES.join(', ')}` }).optional().describe('Only runs in this status'),
  limit: intParam(1, 500).default(50).describe('Runs per page (default 50)'),
  offset: intParam(0, 1_000_000).default(0).describe('Runs to skip, newest first (default 0)'),
});
