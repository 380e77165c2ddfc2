import { z } from 'zod';
import { AblationQuerySchema, AblationTableSchema, DatasetAblationQuerySchema } from './ablation';
import { IdSchema } from './common';
import { DetectionListSchema, EvaluationSchema } from './evaluations';
import { HealthSchema } from './health';
import { CheckpointListSchema, ImageAnnotationsSchema, RunImageListQuerySchema, RunImageListSchema } from './images';
import { intParam } from './query';
import { RecipeComparisonSchema, RecipeListSchema, RecipeNameSchema } from './recipes';
import { SessionSchema } from './session';
import { CheckpointQuerySchema, RunCancelSchema, RunDetailSchema, RunListQuerySchema, RunListSchema, RunSchema } from './runs';
import { SweepCancelSchema, SweepDetailSchema, SweepListQuerySchema, SweepListSchema, SweepSummarySchema } from './sweeps';
import { SweepSubmitQuerySchema, SweepSubmitResultSchema } from './sweep-plan';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * The request bodies, by the name of their OpenAPI component. Their zod schemas are
 * @ablate/jobs' (SweepSpecInputSchema, RunRequestSchema, EvaluationRequestSchema): they build
 * whole RunConfigs with @ablate/detection's schemas, which a browser should not load. The small
 * ones that need nothing else (SessionRequest, SweepPatch, RunPatch, RecipeRunRequest) are the contract's own. The
 * API's OpenAPI document maps each name to its schema (a name it cannot map fails to compile there).
 */
export const REQUEST_BODIES = ['SweepSpec', 'RunRequest', 'EvaluationRequest', 'SessionRequest', 'SweepPatch', 'RunPatch', 'RecipeRunRequest'] as const;
export type RequestBodyName = (typeof REQUEST_BODIES)[number];

/** A text response (Markdown, CSV, HTML, Prometheus exposition). */
export const TextSchema = z.string();
/** A binary response (a checkpoint, a PNG): bytes, documented as `{type: string, format: binary}`. */
export const BinarySchema = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes');

/** One route of the API: what it takes and what it answers. */
export interface RouteDefinition {
  method: HttpMethod;
  /** Express style: `/sweeps/:id`. */
  path: string;
  summary: string;
  /** OpenAPI tag (the group in /docs). */
  tag: string;
  /** Whether it needs `Authorization: Bearer <key>` (every route but /health). */
  auth: boolean;
  /** The success statuses it answers, each with what it means; every one carries `responses`. */
  success: Readonly<Record<number, string>>;
  /** Path parameters (`:id`). */
  params?: z.ZodObject;
  /** Query parameters: raw strings in, typed values out; the API answers 400 naming `query.<name>` when they do not parse. */
  query?: z.ZodObject;
  /** Request headers it reads. */
  headers?: z.ZodObject;
  /** The request body, by the name of its component. */
  body?: RequestBodyName;
  /** Response body schema by content type. */
  responses: Readonly<Record<string, z.ZodType>>;
  /** Response headers it sets, with what they mean. */
  responseHeaders?: Readonly<Record<string, string>>;
}

/** A route, its literal types kept (so a client knows what each one returns). */
export function defineRoute<const R extends RouteDefinition>(route: R): R {
  return route;
}

const IdParamsSchema = z.object({ id: IdSchema.describe('A UUID') });
const RunImageParamsSchema = z.object({ id: IdSchema.describe('A UUID of a run'), imageId: intParam(0, Number.MAX_SAFE_INTEGER).describe("The dataset's image id") });
const RecipeParamsSchema = z.object({ name: RecipeNameSchema.describe('A recipe name (GET /recipes lists them)') });
const RecipeSweepParamsSchema = RecipeParamsSchema.extend({ id: IdSchema.describe('A UUID of a sweep') });
const json = <S extends z.ZodType>(schema: S) => ({ 'application/json': schema }) as const;

/**
 * Every route of apps/api. The API's OpenAPI document is built from this table (responses,
 * parameters, bodies, summaries) and refuses to start when a controller has a route the table
 * lacks or the other way round; clients (the CLI, the web console) call routes from it and get
 * parsed, typed responses.
 */
export const routes = {
  submitSweep: defineRoute({
    method: 'POST',
    path: '/sweeps',
    summary: 'Submit a sweep: validated, expanded into runs, written in one transaction, enqueued as one flow (with ?dryRun=true: only planned and costed)',
    tag: 'sweeps',
    auth: true,
    success: {
      201: 'Created (a SweepDetail)',
      200: 'The sweep first created with this Idempotency-Key (a SweepDetail; nothing new is enqueued), or with ?dryRun=true the plan (a SweepPlan; nothing is written or enqueued)',
    },
    query: SweepSubmitQuerySchema,
    headers: z.object({
      'idempotency-key': z.string().min(1).max(255).optional().describe('A resubmission with the same key and body returns the first sweep; with another body, 422'),
    }),
    body: 'SweepSpec',
    responses: { 'application/json': SweepSubmitResultSchema },
  }),
  listSweeps: defineRoute({
    method: 'GET',
    path: '/sweeps',
    summary: 'List sweeps, newest first, each with its run counts by status; filtered by tags (all of them), status and name',
    tag: 'sweeps',
    auth: true,
    success: { 200: 'A page of sweeps' },
    query: SweepListQuerySchema,
    responses: json(SweepListSchema),
  }),
  getSweep: defineRoute({
    method: 'GET',
    path: '/sweeps/:id',
    summary: 'A sweep: status, spec, progress, ETA, run counts and its runs in expansion order',
    tag: 'sweeps',
    auth: true,
    success: { 200: 'The sweep' },
    params: IdParamsSchema,
    responses: { 'application/json': SweepDetailSchema },
  }),
  updateSweep: defineRoute({
    method: 'PATCH',
    path: '/sweeps/:id',
    summary: "Edit a sweep's tags and note (the fields given are replaced; any other field is a 400)",
    tag: 'sweeps',
    auth: true,
    success: { 200: 'The sweep as edited' },
    params: IdParamsSchema,
    body: 'SweepPatch',
    responses: json(SweepSummarySchema),
  }),
  cancelSweep: defineRoute({
    method: 'POST',
    path: '/sweeps/:id/cancel',
    summary: 'Cancel: queued runs removed, running runs stopped at their next step (409 once the sweep has ended)',
    tag: 'sweeps',
    auth: true,
    success: { 202: 'Cancellation under way' },
    params: IdParamsSchema,
    responses: { 'application/json': SweepCancelSchema },
  }),
  sweepAblation: defineRoute({
    method: 'GET',
    path: '/sweeps/:id/ablation',
    summary: "A sweep's ablation table: mean ± std over seeds per varied parameter, or a pivot (json, csv, md or html)",
    tag: 'ablation',
    auth: true,
    success: { 200: 'The table in the requested format' },
    params: IdParamsSchema,
    query: AblationQuerySchema,
    responses: { 'application/json': AblationTableSchema, 'text/csv': TextSchema, 'text/markdown': TextSchema, 'text/html': TextSchema },
  }),
  datasetAblation: defineRoute({
    method: 'GET',
    path: '/ablation',
    summary: 'An ablation table across every sweep trained on a dataset (?dataset=<train URI>)',
    tag: 'ablation',
    auth: true,
    success: { 200: 'The table in the requested format' },
    query: DatasetAblationQuerySchema,
    responses: { 'application/json': AblationTableSchema, 'text/csv': TextSchema, 'text/markdown': TextSchema, 'text/html': TextSchema },
  }),
  listRecipes: defineRoute({
    method: 'GET',
    path: '/recipes',
    summary: "The papers' ablation tables as ready-made sweeps: each recipe's spec at its default budget and the paper's numbers",
    tag: 'recipes',
    auth: true,
    success: { 200: 'Every recipe' },
    responses: json(RecipeListSchema),
  }),
  runRecipe: defineRoute({
    method: 'POST',
    path: '/recipes/:name/sweeps',
    summary: "Submit a recipe's sweep, scaled by the body's dataset, budget (steps) and seeds; answers as POST /sweeps",
    tag: 'recipes',
    auth: true,
    success: { 201: 'Created' },
    params: RecipeParamsSchema,
    body: 'RecipeRunRequest',
    responses: json(SweepDetailSchema),
  }),
  recipeComparison: defineRoute({
    method: 'GET',
    path: '/recipes/:name/sweeps/:id/comparison',
    summary: "A recipe's sweep beside the paper's table: both numbers per cell, their Spearman rank correlation, whether the best settings agree (JSON with a Markdown rendering)",
    tag: 'recipes',
    auth: true,
    success: { 200: 'The comparison (of the runs ended so far)' },
    params: RecipeSweepParamsSchema,
    responses: json(RecipeComparisonSchema),
  }),
  submitRun: defineRoute({
    method: 'POST',
    path: '/runs',
    summary: 'Train one run outside any sweep',
    tag: 'runs',
    auth: true,
    success: { 201: 'Created and queued' },
    body: 'RunRequest',
    responses: { 'application/json': RunSchema },
  }),
  listRuns: defineRoute({
    method: 'GET',
    path: '/runs',
    summary: 'List runs, newest first; filtered by sweep, tags (all of them) and status',
    tag: 'runs',
    auth: true,
    success: { 200: 'A page of runs' },
    query: RunListQuerySchema,
    responses: json(RunListSchema),
  }),
  getRun: defineRoute({
    method: 'GET',
    path: '/runs/:id',
    summary: 'A run: config, status, attempts, worker, backend, timings, metrics by step, evaluations, the final one in full',
    tag: 'runs',
    auth: true,
    success: { 200: 'The run' },
    params: IdParamsSchema,
    responses: { 'application/json': RunDetailSchema },
  }),
  updateRun: defineRoute({
    method: 'PATCH',
    path: '/runs/:id',
    summary: "Edit a run's tags and note (the fields given are replaced; any other field is a 400)",
    tag: 'runs',
    auth: true,
    success: { 200: 'The run as edited' },
    params: IdParamsSchema,
    body: 'RunPatch',
    responses: json(RunSchema),
  }),
  cancelRun: defineRoute({
    method: 'POST',
    path: '/runs/:id/cancel',
    summary: 'Cancel one run: removed if queued, stopped at its next step if running (409 once it has ended)',
    tag: 'runs',
    auth: true,
    success: { 202: 'Cancellation under way' },
    params: IdParamsSchema,
    responses: { 'application/json': RunCancelSchema },
  }),
  runCheckpoint: defineRoute({
    method: 'GET',
    path: '/runs/:id/checkpoint',
    summary: 'The newest checkpoint (or ?step=N) as bytes, streamed with Content-Length',
    tag: 'runs',
    auth: true,
    success: { 200: 'The checkpoint file' },
    params: IdParamsSchema,
    query: CheckpointQuerySchema,
    responses: { 'application/octet-stream': BinarySchema },
    responseHeaders: { 'X-Checkpoint-Step': 'The step of the checkpoint sent', 'Content-Disposition': 'attachment; filename="<run id>-step<N>.ckpt"' },
  }),
  runDetections: defineRoute({
    method: 'GET',
    path: '/runs/:id/detections',
    summary: "The final evaluation's detections, COCO results format (bbox [x, y, w, h] px)",
    tag: 'runs',
    auth: true,
    success: { 200: 'The detections' },
    params: IdParamsSchema,
    responses: { 'application/json': DetectionListSchema },
  }),
  runCheckpoints: defineRoute({
    method: 'GET',
    path: '/runs/:id/checkpoints',
    summary: "The run's stored checkpoints: step, size, when written (older ones are pruned as training goes on)",
    tag: 'runs',
    auth: true,
    success: { 200: 'The checkpoints, by ascending step' },
    params: IdParamsSchema,
    responses: json(CheckpointListSchema),
  }),
  runImages: defineRoute({
    method: 'GET',
    path: '/runs/:id/images',
    summary: "The validation images of the run's final evaluation, with their counts of ground-truth boxes and detections",
    tag: 'runs',
    auth: true,
    success: { 200: 'A page of images' },
    params: IdParamsSchema,
    query: RunImageListQuerySchema,
    responses: json(RunImageListSchema),
  }),
  runImage: defineRoute({
    method: 'GET',
    path: '/runs/:id/images/:imageId',
    summary: 'One validation image as PNG (decoded from the dataset under the data root, or rendered for synthetic datasets)',
    tag: 'runs',
    auth: true,
    success: { 200: 'The image' },
    params: RunImageParamsSchema,
    responses: { 'image/png': BinarySchema },
  }),
  runImageAnnotations: defineRoute({
    method: 'GET',
    path: '/runs/:id/images/:imageId/annotations',
    summary: "One image's ground truth (boxes, categories, masks as RLE) and the run's final detections on it (COCO results)",
    tag: 'runs',
    auth: true,
    success: { 200: 'Ground truth and detections' },
    params: RunImageParamsSchema,
    responses: json(ImageAnnotationsSchema),
  }),
  requestEvaluation: defineRoute({
    method: 'POST',
    path: '/evaluations',
    summary: "Evaluate a run's checkpoint (newest by default) on a dataset (its val split by default)",
    tag: 'evaluations',
    auth: true,
    success: { 202: 'Queued (or the existing evaluation of that run, dataset and step)' },
    body: 'EvaluationRequest',
    responses: { 'application/json': EvaluationSchema },
  }),
  getEvaluation: defineRoute({
    method: 'GET',
    path: '/evaluations/:id',
    summary: 'An evaluation: status, the 12 COCO stats, per-class AP, PR curves, detections, other iou types (segm) nested',
    tag: 'evaluations',
    auth: true,
    success: { 200: 'The evaluation' },
    params: IdParamsSchema,
    responses: { 'application/json': EvaluationSchema },
  }),
  signIn: defineRoute({
    method: 'POST',
    path: '/session',
    summary: 'Sign a browser in: the key in the body, answered with it as an HttpOnly cookie (401 for a wrong key; counted by the failed-authentication limit)',
    tag: 'session',
    auth: false,
    success: { 200: 'Signed in; the cookie is set' },
    body: 'SessionRequest',
    responses: json(SessionSchema),
  }),
  signOut: defineRoute({
    method: 'DELETE',
    path: '/session',
    summary: "Sign a browser out: the key's cookie is cleared",
    tag: 'session',
    auth: false,
    success: { 200: 'Signed out' },
    responses: json(SessionSchema),
  }),
  health: defineRoute({
    method: 'GET',
    path: '/health',
    summary: 'Liveness of PostgreSQL, Redis, the queues (age of the oldest waiting job) and the reconciler; 503 naming what is down; no auth',
    tag: 'health',
    auth: false,
    success: { 200: 'Everything is up' },
    responses: { 'application/json': HealthSchema },
  }),
  metrics: defineRoute({
    method: 'GET',
    path: '/metrics',
    summary: 'Prometheus metrics: queue depth by state, job durations, queue lag, runs by status, images/s',
    tag: 'metrics',
    auth: true,
    success: { 200: 'Prometheus text exposition format' },
    responses: { 'text/plain': TextSchema },
  }),
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;
export type Route = Routes[RouteName];

/** `{ id: string }` for a route with `:id`, else nothing. */
export type ParamsOf<R extends RouteDefinition> = R['params'] extends z.ZodObject ? z.input<R['params']> : Record<string, never>;
/** The raw query a client may send (strings or numbers; lists comma-separated). */
export type QueryOf<R extends RouteDefinition> = R['query'] extends z.ZodObject ? { [K in keyof z.input<R['query']>]?: string | number } : Record<string, never>;
/** The parsed query the API works with. */
export type ParsedQueryOf<R extends RouteDefinition> = R['query'] extends z.ZodObject ? z.output<R['query']> : Record<string, never>;
/** What a route answers, whichever content type it is in. */
export type ResponseOf<R extends RouteDefinition> = { [C in keyof R['responses']]: z.output<R['responses'][C]> }[keyof R['responses']];
/** What a route answers as JSON. */
export type JsonResponseOf<R extends RouteDefinition> = R['responses'] extends { 'application/json': infer S extends z.ZodType } ? z.output<S> : never;
