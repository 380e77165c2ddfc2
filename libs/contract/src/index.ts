/**
 * @ablate/contract — the HTTP contract of apps/api: the zod schemas of every response, the query
 * parameters, and the table of routes that the API's OpenAPI document and every client (the CLI,
 * the web console) are built from. Depends on zod only, so a browser can load it.
 */
export {
  ATTEMPT_STATUSES,
  AttemptStatusSchema,
  contractSchemas,
  ErrorBodySchema,
  EVALUATION_STATUSES,
  EvaluationStatusSchema,
  FieldIssueSchema,
  IdSchema,
  RUN_STATUSES,
  RunStatusSchema,
  SWEEP_STATUSES,
  SweepStatusSchema,
  TimestampSchema,
  WorkerSchema,
  type ErrorBody,
  type RunStatus,
  type SweepStatus,
} from './common';
export { intParam, listParam, stringParam } from './query';
export {
  MAX_NOTE_LENGTH,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  NoteSchema,
  RunPatchSchema,
  SweepPatchSchema,
  TagSchema,
  TagsSchema,
  type RunPatch,
  type SweepPatch,
} from './annotations';
export {
  RunCountsSchema,
  RunLineSchema,
  SweepCancelSchema,
  SweepDetailSchema,
  SweepListQuerySchema,
  SweepListSchema,
  SweepProgressSchema,
  SweepSummarySchema,
  type RunCounts,
  type RunLine,
  type SweepCancel,
  type SweepDetail,
  type SweepProgress,
  type SweepSummary,
} from './sweeps';
export {
  ModelCostSchema,
  PlannedRunLineSchema,
  SamplingPlanSchema,
  SweepPlanSchema,
  SweepSubmitQuerySchema,
  SweepSubmitResultSchema,
  type SweepPlan,
} from './sweep-plan';
export {
  AttemptSchema,
  CategorySchema,
  CheckpointQuerySchema,
  MetricPointSchema,
  ReproducibilitySchema,
  RunCancelSchema,
  RunConfigSchema,
  RunDetailSchema,
  RunListQuerySchema,
  RunListSchema,
  RunSchema,
  type Reproducibility,
  type Run,
  type RunDetail,
} from './runs';
export {
  CheckpointInfoSchema,
  CheckpointListSchema,
  GroundTruthSchema,
  ImageAnnotationsSchema,
  RleSchema,
  RunImageListQuerySchema,
  RunImageListSchema,
  RunImageSchema,
  type ImageAnnotations,
} from './images';
export {
  ClassApSchema,
  COCO_STAT_NAMES,
  DetectionListSchema,
  DetectionSchema,
  EvaluationSchema,
  IouStatsSchema,
  type CocoStatName,
  type Evaluation,
  type IouStats,
} from './evaluations';
export {
  ABLATION_FORMATS,
  AblationCellSchema,
  AblationQuerySchema,
  AblationRowSchema,
  AblationTableSchema,
  DatasetAblationQuerySchema,
  type AblationFormat,
  type AblationTable,
} from './ablation';
export {
  ComparisonCellSchema,
  PaperCellSchema,
  PaperSourceSchema,
  PaperTableSchema,
  RecipeComparisonSchema,
  RecipeListSchema,
  RecipeNameSchema,
  RecipeRunRequestSchema,
  RecipeSchema,
  type ComparisonCell,
  type PaperCell,
  type PaperTable,
  type Recipe,
  type RecipeComparison,
  type RecipeRunRequest,
} from './recipes';
export { SessionRequestSchema, SessionSchema, type Session } from './session';
export { HealthDetailsSchema, HealthIndicatorSchema, HealthSchema, type Health } from './health';
export {
  BinarySchema,
  defineRoute,
  REQUEST_BODIES,
  routes,
  TextSchema,
  type HttpMethod,
  type JsonResponseOf,
  type ParamsOf,
  type ParsedQueryOf,
  type QueryOf,
  type RequestBodyName,
  type ResponseOf,
  type Route,
  type RouteDefinition,
  type RouteName,
  type Routes,
} from './routes';
export { ContractViolation, fieldPath, mediaType, parseResponse, routeLabel, routeUrl, type ParseResponseOptions } from './client';
export { contractComponents, openApiPath, routeOperation } from './openapi';
