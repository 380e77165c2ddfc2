import { readEnvironment } from '@ablate/config';
import { dataRootOf } from '@ablate/data';

/** Everything a worker process needs to know, resolved once from the environment at start. */
export interface WorkerConfig {
  /** Redis of the BullMQ queues. Env `REDIS_URL`. @defaultValue 'redis://127.0.0.1:6379' */
  redisUrl: string;
  /** PostgreSQL of the store. Env `DATABASE_URL`. @defaultValue 'postgres://postgres@127.0.0.1:5432/ablate' */
  databaseUrl: string;
  /** BullMQ key prefix, so several deployments (or test files) share one Redis. Env `ABLATE_QUEUE_PREFIX`. @defaultValue 'ablate' */
  queuePrefix: string;
  /** Runs trained at once by this process, each in its own sandboxed child. Env `ABLATE_CONCURRENCY`. @defaultValue the number of cores */
  concurrency: number;
  /**
   * Starts a run may get (first try included) before it is failed for good. Retries after a
   * thrown error wait with exponential backoff (job options, set by the API); a lost worker's
   * run comes back through BullMQ's stalled-job check, bounded by the same number.
   * Env `ABLATE_MAX_ATTEMPTS`, else the API's `ABLATE_TRAIN_ATTEMPTS` (one variable can serve both). @defaultValue 3
   */
  maxAttempts: number;
  /**
   * How long a job's lock lives without renewal, ms. A killed worker's run is handed to another
   * worker after at most about twice this. Env `ABLATE_LOCK_MS`. @defaultValue 30000 (BullMQ's default)
   */
  lockMs: number;
  /** Metrics rows are written every this many steps (and at the last step). Env `ABLATE_METRICS_EVERY`. @defaultValue 10 */
  metricsEvery: number;
  /** How often a running job polls the store's cancel flag, ms. Env `ABLATE_CANCEL_POLL_MS`. @defaultValue 1000 */
  cancelPollMs: number;
  /**
   * Longest PostgreSQL outage a running job waits out (retrying with backoff, then resuming from
   * its checkpoint) before it fails; an outage within it consumes none of the run's attempts.
   * Env `ABLATE_OUTAGE_BUDGET_MS`. @defaultValue 600000 (10 minutes)
   */
  outageBudgetMs: number;
  /** Root that dataset and weight paths resolve under (nothing outside it is read). Env `ABLATE_DATA_ROOT`. @defaultValue ./data, as the API and CLI */
  dataRoot: string;
}

/**
 * Reads {@link WorkerConfig} from `env` (@ablate/config's ENVIRONMENT holds every variable with its
 * default); throws EnvironmentError naming the first variable that cannot be used.
 */
export function workerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const e = readEnvironment(env);
  return {
    redisUrl: e.REDIS_URL,
    databaseUrl: e.DATABASE_URL,
    queuePrefix: e.ABLATE_QUEUE_PREFIX,
    concurrency: e.ABLATE_CONCURRENCY,
    maxAttempts: e.ABLATE_MAX_ATTEMPTS,
    lockMs: e.ABLATE_LOCK_MS,
    metricsEvery: e.ABLATE_METRICS_EVERY,
    cancelPollMs: e.ABLATE_CANCEL_POLL_MS,
    outageBudgetMs: e.ABLATE_OUTAGE_BUDGET_MS,
    dataRoot: dataRootOf(e.ABLATE_DATA_ROOT),
  };
}

/** The environment a sandboxed child needs to rebuild the same {@link WorkerConfig}. */
export function workerConfigToEnv(config: WorkerConfig): Record<string, string> {
  return {
    REDIS_URL: config.redisUrl,
    DATABASE_URL: config.databaseUrl,
    ABLATE_QUEUE_PREFIX: config.queuePrefix,
    ABLATE_CONCURRENCY: String(config.concurrency),
    ABLATE_MAX_ATTEMPTS: String(config.maxAttempts),
    ABLATE_LOCK_MS: String(config.lockMs),
    ABLATE_METRICS_EVERY: String(config.metricsEvery),
    ABLATE_CANCEL_POLL_MS: String(config.cancelPollMs),
    ABLATE_OUTAGE_BUDGET_MS: String(config.outageBudgetMs),
    ABLATE_DATA_ROOT: config.dataRoot,
  };
}
