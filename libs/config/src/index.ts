/**
 * `@ablate/config`: the environment variables of every Ablate process, their types, defaults and
 * documentation, in one place (environment.ts).
 */
export {
  ENVIRONMENT,
  readEnvironment,
  readVariable,
  renderEnvironmentTable,
  EnvironmentError,
  DEV_API_KEY,
  DEFAULT_DATABASE_URL,
  DEFAULT_REDIS_URL,
  DEFAULT_QUEUE_PREFIX,
  DEFAULT_TRAIN_ATTEMPTS,
  DEFAULT_TRAIN_BACKOFF_MS,
  DEFAULT_MAX_RUNS_PER_SWEEP,
  DEFAULT_RUN_MEMORY_LIMIT_MB,
} from './environment';
export type { Environment, EnvironmentValue, Process, VariableName } from './environment';
export { replaceGeneratedBlock } from './generated-block';
