import { DEFAULT_MAX_RUNS_PER_SWEEP, DEFAULT_QUEUE_PREFIX, DEFAULT_TRAIN_ATTEMPTS, DEFAULT_TRAIN_BACKOFF_MS } from '@ablate/jobs';
import { DEFAULT_DATABASE_URL } from '@ablate/store';
import { dataRootOf } from '@ablate/data';
import { RUN_MEMORY_LIMIT_VARIABLE, WASM_RUN_MEMORY_LIMIT_BYTES } from '@ablate/detection';

/**
 * The API key used when `ABLATE_API_KEYS` is unset, so `npm run demo` works out of the box.
 * Never deploy with it: set ABLATE_API_KEYS (the API logs a warning when it falls back to this).
 */
export const DEV_API_KEY = 'ablate-dev-key';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

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

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** A configuration the API must not start with; names the variable. */
export class ApiConfigError extends Error {
  override readonly name = 'ApiConfigError';
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
  }
}

function keyList(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
}

/**
 * The API keys. The public development key stands in only when ABLATE_API_KEYS is unset and
 * NODE_ENV is not production; a variable that is set but holds no usable key (`' , '`) is a
 * mistake that must not open the API to that public key, so the API refuses to start.
 */
export function readApiKeys(env: NodeJS.ProcessEnv): string[] {
  const raw = env['ABLATE_API_KEYS'];
  const keys = keyList(raw);
  if (keys.length > 0) return keys;
  if (raw !== undefined) throw new ApiConfigError('ABLATE_API_KEYS', 'is set but holds no key (expected comma-separated keys)');
  if (env['NODE_ENV'] === 'production') throw new ApiConfigError('ABLATE_API_KEYS', 'must be set when NODE_ENV=production');
  return [DEV_API_KEY];
}

/** Reads the API's configuration from the environment, with the documented defaults. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return {
    databaseUrl: env['DATABASE_URL'] || DEFAULT_DATABASE_URL,
    redisUrl: env['REDIS_URL'] || DEFAULT_REDIS_URL,
    apiKeys: readApiKeys(env),
    adminKeys: keyList(env['ABLATE_ADMIN_KEYS']),
    authFailuresPerMinute: int(env, 'ABLATE_AUTH_FAILURES_PER_MINUTE', 60),
    maxRunsPerSweep: int(env, 'ABLATE_MAX_RUNS_PER_SWEEP', DEFAULT_MAX_RUNS_PER_SWEEP),
    bodyLimit: env['ABLATE_BODY_LIMIT'] || '1mb',
    queuePrefix: env['ABLATE_QUEUE_PREFIX'] || DEFAULT_QUEUE_PREFIX,
    trainAttempts: int(env, 'ABLATE_TRAIN_ATTEMPTS', DEFAULT_TRAIN_ATTEMPTS),
    trainBackoffMs: int(env, 'ABLATE_TRAIN_BACKOFF_MS', DEFAULT_TRAIN_BACKOFF_MS),
    ...(env['ABLATE_ARTIFACT_DIR'] ? { artifactDir: env['ABLATE_ARTIFACT_DIR'] } : {}),
    maxQueueLagSeconds: int(env, 'ABLATE_MAX_QUEUE_LAG_S', 86_400),
    reconcileEveryMs: int(env, 'ABLATE_RECONCILE_EVERY_MS', 30_000),
    reconcileGraceSeconds: int(env, 'ABLATE_RECONCILE_GRACE_S', 30),
    dataRoot: dataRootOf(env['ABLATE_DATA_ROOT'] || undefined),
    runMemoryLimitBytes: int(env, RUN_MEMORY_LIMIT_VARIABLE, WASM_RUN_MEMORY_LIMIT_BYTES / 2 ** 20) * 2 ** 20,
    logger: true,
  };
}

/** Injection token of the ApiConfig. */
export const API_CONFIG = Symbol('API_CONFIG');
