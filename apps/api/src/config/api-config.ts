import { DEV_API_KEY, EnvironmentError, readEnvironment, type Environment } from '@ablate/config';

export { DEV_API_KEY };
import { dataRootOf } from '@ablate/data';

/**
 * The API key used when `ABLATE_API_KEYS` is unset, so `npm run demo` works out of the box.
 * Never deploy with it: set ABLATE_API_KEYS (the API logs a warning when it falls back to this).
 */

/** Everything the API is configured with; `loadApiConfig` reads it from the environment. */
export interface ApiConfig {
  /** @defaultValue DATABASE_URL or postgres://postgres@127.0.0.1:5432/ablate */
  databaseUrl: string;
  /** @defaultValue REDIS_URL or redis://127.0.0.1:6379 */
  redisUrl: string;
  /**
   * Accepted bearer tokens. @defaultValue ABLATE_API_KEYS (comma-separated); [DEV_API_KEY] only
   * when the variable is unset outside production (see {@link readApiKeys}).
   */
  apiKeys: string[];
  /** Keys that may also change the queues from the dashboard (/queues/admin). @defaultValue ABLATE_ADMIN_KEYS (comma-separated) or none */
  adminKeys: string[];
  /** Failed authentications a client may make per minute before every request of it gets 429; 0 turns the limit off. @defaultValue ABLATE_AUTH_FAILURES_PER_MINUTE or 60 */
  authFailuresPerMinute: number;
  /** @defaultValue ABLATE_MAX_RUNS_PER_SWEEP or 1000 */
  maxRunsPerSweep: number;
  /** Largest accepted request body, in bytes or with a unit ('1mb'). @defaultValue ABLATE_BODY_LIMIT or '1mb' */
  bodyLimit: string;
  /** BullMQ key prefix. @defaultValue ABLATE_QUEUE_PREFIX or 'ablate' */
  queuePrefix: string;
  /** Attempts of a train job. @defaultValue ABLATE_TRAIN_ATTEMPTS or 3 */
  trainAttempts: number;
  /** First retry delay of a train job (doubling). @defaultValue ABLATE_TRAIN_BACKOFF_MS or 2000 */
  trainBackoffMs: number;
  /** Checkpoints on shared storage instead of PostgreSQL. @defaultValue ABLATE_ARTIFACT_DIR */
  artifactDir?: string;
  /** /health reports the queues down when the oldest waiting job is older. @defaultValue ABLATE_MAX_QUEUE_LAG_S or 86400 */
  maxQueueLagSeconds: number;
  /** Period of the reconciler's passes (queued/running runs whose job vanished); 0 turns it off. @defaultValue ABLATE_RECONCILE_EVERY_MS or 30000 */
  reconcileEveryMs: number;
  /** Runs younger than this are left to the request that is enqueueing them. @defaultValue ABLATE_RECONCILE_GRACE_S or 30 */
  reconcileGraceSeconds: number;
  /** Where dataset files live; submitted dataset references are checked against it. @defaultValue ABLATE_DATA_ROOT or ./data */
  dataRoot: string;
  /**
   * Runs estimated to need more memory than this are refused at submit. The API does not know
   * which worker will train a run, so it assumes the CPU workers' wasm heap; deployments whose
   * workers all have GPUs raise it. @defaultValue ABLATE_RUN_MEMORY_LIMIT_MB or the wasm limit (3584 MB)
   */
  runMemoryLimitBytes: number;
  /** Nest's logger on or off. @defaultValue true */
  logger: boolean;
}

/**
 * The API keys. The public development key stands in only when ABLATE_API_KEYS is unset and
 * NODE_ENV is not production; a variable that is set but holds no usable key (`' , '`) is a
 * mistake that must not open the API to that public key, so the API refuses to start.
 */
export function readApiKeys(env: Pick<Environment, 'ABLATE_API_KEYS' | 'NODE_ENV'>): string[] {
  const keys = env.ABLATE_API_KEYS;
  if (keys !== undefined && keys.length > 0) return keys;
  if (keys !== undefined) throw new EnvironmentError('ABLATE_API_KEYS', 'is set but holds no key (expected comma-separated keys)');
  if (env.NODE_ENV === 'production') throw new EnvironmentError('ABLATE_API_KEYS', 'must be set when NODE_ENV=production');
  return [DEV_API_KEY];
}

/**
 * Reads the API's configuration from the environment (@ablate/config's ENVIRONMENT holds every
 * variable with its default); throws naming the first variable that cannot be used.
 */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e = readEnvironment(env);
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    apiKeys: readApiKeys(e),
    adminKeys: e.ABLATE_ADMIN_KEYS,
    authFailuresPerMinute: e.ABLATE_AUTH_FAILURES_PER_MINUTE,
    maxRunsPerSweep: e.ABLATE_MAX_RUNS_PER_SWEEP,
    bodyLimit: e.ABLATE_BODY_LIMIT,
    queuePrefix: e.ABLATE_QUEUE_PREFIX,
    trainAttempts: e.ABLATE_TRAIN_ATTEMPTS,
    trainBackoffMs: e.ABLATE_TRAIN_BACKOFF_MS,
    ...(e.ABLATE_ARTIFACT_DIR ? { artifactDir: e.ABLATE_ARTIFACT_DIR } : {}),
    maxQueueLagSeconds: e.ABLATE_MAX_QUEUE_LAG_S,
    reconcileEveryMs: e.ABLATE_RECONCILE_EVERY_MS,
    reconcileGraceSeconds: e.ABLATE_RECONCILE_GRACE_S,
    dataRoot: dataRootOf(e.ABLATE_DATA_ROOT),
    runMemoryLimitBytes: e.ABLATE_RUN_MEMORY_LIMIT_MB * 2 ** 20,
    logger: true,
  };
}

/** Injection token of the ApiConfig. */
export const API_CONFIG = Symbol('API_CONFIG');
