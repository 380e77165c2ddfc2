/**
 * @ablate/jobs — the contract between api and worker: queue names, typed job payloads, the sweep
 * spec, its validation and its grid expansion. Pure: no Redis, no SQL.
 *
 * Cancellation is not a job: `POST /sweeps/:id/cancel` removes waiting train jobs and sets
 * `runs.cancel_requested_at` on running ones; a worker polls `RunRepository.isCancelRequested`
 * (from @ablate/store) between steps and ends the run with status 'cancelled'.
 */
// The names other packages use, one by one (an internal helper never becomes API by accident);
// test helpers are at the `testing` entry point.
export { getPath, resolveConfigPath } from './config-paths';
export { planSweep, type PlannedRun } from './expand-sweep';
export { parseJobData, type EvaluateJobData, type SweepJobData, type TrainJobData, type TrainJobResult } from './job-payloads';
export { CANCEL_ABORT_REASON, QUEUE_NAMES, cancelChannel, isInfrastructureFailure, type QueueName } from './queues';
export { EvaluationRequestSchema, RunRequestSchema, validateEvaluationRequest, validateRunRequest } from './run-request';
export { SEARCHES, SweepSpecInputSchema, variedPaths, type SweepSpec } from './sweep-spec';
export { plannedModels, stepCostKey, sweepPlan, type MeasuredCost, type PlannedModel } from './sweep-plan';
export { type Distribution, type SpaceAxis } from './search-space';
export { parseOrThrow, ValidationError, type FieldIssue } from './validation-error';
export { ashaPromotions, ashaRungs, EarlyStoppingSchema, rungMetric, trainJobId, type EarlyStopping, type Promotion, type RungResult } from './asha';
export { trainJob, type TrainableRun, type TrainJobPolicy } from './train-job';
export {
  ablationCells,
  averageRanks,
  compareRecipe,
  datasetSplits,
  DEMO_STEPS,
  findRecipe,
  paperTableMarkdown,
  recipeRuns,
  recipeSummary,
  recipeSweepSpec,
  RECIPES,
  spearman,
  stepsForCpuMinutes,
  type RecipeDefinition,
} from './recipes';
