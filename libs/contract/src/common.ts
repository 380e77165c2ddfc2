import { z } from 'zod';

/**
 * The named schemas of the contract: each becomes `#/components/schemas/<id>` of the OpenAPI
 * document, referenced wherever it is used.
 */
export const contractSchemas = z.registry<{ id: string; description?: string }>();

/** Entity ids are UUIDs. */
export const IdSchema = z.uuid();

/** Timestamps travel as ISO 8601 strings in UTC (`Date.prototype.toISOString`). */
export const TimestampSchema = z.iso.datetime().describe('ISO 8601 date-time, UTC');

/**
 * Run lifecycle: queued → running → completed | failed | diverged | cancelled (a retried run goes
 * back to queued). Same list as @ablate/store's RUN_STATUSES; the API's views are typed against
 * this one, so a status the store adds without the contract fails to compile.
 */
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'diverged', 'cancelled', 'stopped'] as const;
export const RunStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** Sweep lifecycle (rolled up from its runs). */
export const SWEEP_STATUSES = ['queued', 'running', 'completed', 'completed_with_failures', 'failed', 'cancelling', 'cancelled'] as const;
export const SweepStatusSchema = z.enum(SWEEP_STATUSES);
export type SweepStatus = z.infer<typeof SweepStatusSchema>;

/** One attempt at a run. */
export const ATTEMPT_STATUSES = ['running', 'completed', 'failed', 'diverged', 'cancelled'] as const;
export const AttemptStatusSchema = z.enum(ATTEMPT_STATUSES);

export const EVALUATION_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export const EvaluationStatusSchema = z.enum(EVALUATION_STATUSES);

/** One offending field of a 400: a dotted path (`grid.gamma[1]`, `query.limit`) and what is wrong with it. */
export const FieldIssueSchema = z.object({ path: z.string(), message: z.string() }).register(contractSchemas, { id: 'FieldIssue' });

/** Body of every error response (4xx, 5xx). */
export const ErrorBodySchema = z
  .object({
    statusCode: z.number().int(),
    error: z.string().describe('The reason phrase: Bad Request, Not Found …'),
    message: z.string(),
    issues: z.array(FieldIssueSchema).optional().describe('For 400s: each offending field'),
    details: z.record(z.string(), z.unknown()).optional().describe("For /health's 503: every dependency with its state"),
  })
  .register(contractSchemas, { id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Where a process runs (host name and pid). */
export const WorkerSchema = z.object({ host: z.string(), pid: z.number().int().nullable() }).register(contractSchemas, { id: 'Worker' });
