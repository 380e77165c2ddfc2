import { z } from 'zod';
import { contractSchemas } from './common';
import { SweepDetailSchema } from './sweeps';

/**
 * `POST /sweeps?dryRun=true`: what the sweep would be, without writing or queueing anything — its
 * runs (or a random or sobol sweep's sampled configurations), the training steps they add up to,
 * and their cost in core-hours from training steps the API timed on its own backend.
 */

const count = z.number().int().min(0);

/** One run the sweep would create. */
export const PlannedRunLineSchema = z
  .object({
    index: count.describe('Position in the expansion order'),
    key: z.string(),
    params: z.record(z.string(), z.unknown()).describe('The configuration: config path → value (sampled, for random and sobol sweeps)'),
    seed: z.number().int(),
    steps: count.describe('train.steps of the run (under earlyStopping: the first rung)'),
  })
  .register(contractSchemas, { id: 'PlannedRunLine' });

/** A random or sobol sweep's sampling plan. */
export const SamplingPlanSchema = z
  .object({
    budget: z.number().int().min(1).describe('Configurations sampled (each trained once per seed)'),
    samplerSeed: z.number().int().nullable().describe('The random sampler’s seed; null for sobol (unscrambled, the same points for every seed)'),
    sequence: z.string().describe('The generator: mulberry32 (random) or the Sobol’ sequence with Joe & Kuo’s direction numbers, unscrambled'),
    space: z.array(
      z.object({
        key: z.string().describe('As written in the spec (alias or path)'),
        path: z.string(),
        distribution: z.record(z.string(), z.unknown()).describe('{choice}, {uniform}, {loguniform} or {int}, with q when given'),
      }),
    ),
  })
  .register(contractSchemas, { id: 'SamplingPlan' });

/** The measured step cost of one distinct model of the sweep (model, anchors, family sections, batch, input size). */
export const ModelCostSchema = z
  .object({
    label: z.string().describe('retinanet resnet18×0.5 128 px, batch 8'),
    runs: count,
    steps: count.describe('Training steps of its runs'),
    secondsPerStep: z.number().min(0).describe('Wall seconds of one training step, timed on the API’s backend'),
    measuredSteps: count.describe('Steps timed (after one warm-up step)'),
    cached: z.boolean().describe('Timed by an earlier dry run of this API process (cached per model config in memory)'),
    coreHours: z.number().min(0),
  })
  .register(contractSchemas, { id: 'ModelCost' });

export const SweepPlanSchema = z
  .object({
    dryRun: z.literal(true),
    name: z.string(),
    search: z.enum(['grid', 'random', 'sobol']),
    variedPaths: z.array(z.string()).describe('The config paths the grid or the space varies, in the order given'),
    sampling: SamplingPlanSchema.nullable().describe('null for a grid sweep'),
    seeds: z.array(z.number().int()),
    configurations: count.describe('Distinct configurations (grid points or samples)'),
    runCount: count.describe('configurations × seeds'),
    runs: z.array(PlannedRunLineSchema).describe('In the order POST /sweeps would create them'),
    totalSteps: count.describe('Training steps of all runs (evaluation not counted)'),
    cost: z.object({
      coreHours: z.number().min(0).describe('Σ steps × seconds per step × threads ÷ 3600 over the distinct models'),
      backend: z.string().describe('The TensorFlow.js backend the steps were timed on (a CPU worker’s: wasm)'),
      threads: z.number().int().min(1).describe('Threads a run uses on that backend (wasm in Node: 1, so a core-hour per run-hour)'),
      models: z.array(ModelCostSchema),
    }),
  })
  .register(contractSchemas, { id: 'SweepPlan' });
export type SweepPlan = z.infer<typeof SweepPlanSchema>;

/** `POST /sweeps`: the sweep (201, or 200 for a repeated Idempotency-Key), or with `?dryRun=true` its plan (200). */
export const SweepSubmitResultSchema = z
  .union([SweepDetailSchema, SweepPlanSchema])
  .register(contractSchemas, { id: 'SweepSubmitResult', description: 'A SweepDetail, or with ?dryRun=true a SweepPlan (dryRun: true)' });

/** `POST /sweeps?dryRun=true|false`. */
export const SweepSubmitQuerySchema = z.object({
  dryRun: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true')
    .describe('true: validate and plan the sweep (runs, total steps, measured cost in core-hours); nothing is written or queued'),
});
