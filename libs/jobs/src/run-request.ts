import { z } from 'zod';
import { RunConfigSchema, type RunConfig } from '@ablate/detection';
import { MAX_PRIORITY } from './sweep-spec';
import { parseOrThrow } from './validation-error';

/** Body of `POST /runs`: one training run outside any sweep. */
export const RunRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    /** A full RunConfig (`dataset` required, every other field defaulted). */
    config: RunConfigSchema,
    priority: z.number().int().min(1).max(MAX_PRIORITY).optional(),
  })
  .strict();

export interface RunRequest {
  name?: string;
  config: RunConfig;
  priority?: number;
}

/** Validates a `POST /runs` body; issues are named `config.loss.gamma`, `priority` … */
export function validateRunRequest(input: unknown): RunRequest {
  return parseOrThrow(RunRequestSchema, input, 'run request');
}

/** Body of `POST /evaluations`: evaluate a run's checkpoint on a dataset. */
export const EvaluationRequestSchema = z
  .object({
    runId: z.uuid(),
    /** Dataset URI; @defaultValue the run's `dataset.val`. */
    dataset: z.string().min(1).optional(),
    /** Checkpoint step; @defaultValue the run's latest checkpoint. */
    step: z.number().int().min(0).optional(),
  })
  .strict();

export type EvaluationRequest = z.infer<typeof EvaluationRequestSchema>;

/** Validates a `POST /evaluations` body. */
export function validateEvaluationRequest(input: unknown): EvaluationRequest {
  return parseOrThrow(EvaluationRequestSchema, input, 'evaluation request');
}
