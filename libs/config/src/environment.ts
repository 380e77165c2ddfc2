import { availableParallelism } from 'node:os';
import { z } from 'zod';

/**
 * Every environment variable of every Ablate process, in one place: its type and constraint (a zod
 * schema of the raw string), its default (a value, or derived from other variables), which
 * processes read it, and what it does. The API's and workers' configurations are built from
 * `readEnvironment`, and README.md's table of variables is generated from this list
 * (`npm run docs:env`; a spec fails while they differ). A new variable is one entry here.
 */

/** The processes that read variables. */
export type Process = 'api' | 'worker' | 'cli';

interface VariableSpec<T> {
  /** Parses the raw (trimmed, non-empty) string; a failure names the variable. */
  schema: z.ZodType<T>;
  /** The value when the variable is unset or empty; a function when it depends on other variables. */
  fallback: T | ((read: (name: string) => unknown) => T);
  /** The default as the docs show it. */
  documentedDefault: string;
  readBy: readonly Process[];
  description: string;
  /** A blank value counts as set (and is parsed) instead of as unset: for keys, where blank must not mean "the default key". */
  blankIsSet?: boolean;
}

const spec = <T>(s: VariableSpec<T>): VariableSpec<T> => s;

const wholeNumber = (min: number) => z.coerce.number('expected a whole number').int('expected a whole number').min(min, `expected a whole number ≥ ${min}`);
const count = wholeNumber(0);
const positive = wholeNumber(1);
const text = z.string().min(1);
/** Comma-separated keys; blanks between commas are dropped, so ' , ' is an empty list. */
const keyList = z.string().transform((raw) => raw.split(',').map((k) => k.trim()).filter((k) => k.length > 0));

/** The API key a development API accepts when ABLATE_API_KEYS is unset (never in production). */
export const DEV_API_KEY = 'ablate-dev-key';
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/ablate';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_QUEUE_PREFIX = 'ablate';
/** Attempts of a train job: its first try and two retries. */
export const DEFAULT_TRAIN_ATTEMPTS = 3;
export const DEFAULT_TRAIN_BACKOFF_MS = 2000;
export const DEFAULT_MAX_RUNS_PER_SWEEP = 1000;
/** The wasm heap's usable memory for one run, less headroom (libs/detection/src/memory). */
export const DEFAULT_RUN_MEMORY_LIMIT_MB = 3584;

export const ENVIRONMENT = {
  DATABASE_URL: spec({ schema: text, fallback: DEFAULT_DATABASE_URL, documentedDefault: DEFAULT_DATABASE_URL, readBy: ['api', 'worker', 'cli'], description: 'PostgreSQL of the store' }),
  REDIS_URL: spec({ schema: text, fallback: DEFAULT_REDIS_URL, documentedDefault: DEFAULT_REDIS_URL, readBy: ['api', 'worker', 'cli'], description: 'Redis of the BullMQ queues' }),
  ABLATE_QUEUE_PREFIX: spec({ schema: text, fallback: DEFAULT_QUEUE_PREFIX, documentedDefault: DEFAULT_QUEUE_PREFIX, readBy: ['api', 'worker'], description: 'BullMQ key prefix; the API and its workers must use the same' }),
  ABLATE_DATA_ROOT: spec({ schema: text, fallback: './data', documentedDefault: './data', readBy: ['api', 'worker', 'cli'], description: 'datasets and weight files; nothing outside it is read, and the API checks submitted references against it' }),
  ABLATE_WEIGHTS_ROOT: spec({ schema: text, fallback: (read) => read('ABLATE_DATA_ROOT') as string, documentedDefault: 'ABLATE_DATA_ROOT', readBy: ['api', 'worker', 'cli'], description: 'where `model.backboneWeights` files must lie' }),
  ABLATE_ARTIFACT_DIR: spec<string | undefined>({ schema: text, fallback: undefined, documentedDefault: 'unset', readBy: ['api', 'worker'], description: 'checkpoints in this shared directory instead of PostgreSQL' }),
  ABLATE_RUN_MEMORY_LIMIT_MB: spec({ schema: positive, fallback: DEFAULT_RUN_MEMORY_LIMIT_MB, documentedDefault: `${DEFAULT_RUN_MEMORY_LIMIT_MB} (wasm heap)`, readBy: ['api', 'worker', 'cli'], description: "API: runs estimated above it are refused at submit; workers and `ablate train`: replaces their backend's limit (wasm 3584, none on native backends)" }),
  ABLATE_BACKEND: spec({ schema: text, fallback: 'auto', documentedDefault: 'auto', readBy: ['api', 'worker', 'cli'], description: 'TensorFlow.js backend: `auto`, `tensorflow`, `webgpu`, `wasm` or `cpu`; @ablate/engine checks the value (README, "Backends and GPU workers"); the API times dry runs\' training steps on it' }),
  ABLATE_ALLOW_SOFTWARE_GPU: spec({ schema: text, fallback: undefined, documentedDefault: 'unset', readBy: ['api', 'worker', 'cli'], description: '`1` lets `ABLATE_BACKEND=webgpu` run on a CPU-emulated adapter (Mesa lavapipe, SwiftShader: the tests\' route); `auto` never takes one' }),
  ABLATE_API_KEYS: spec<string[] | undefined>({ blankIsSet: true, schema: keyList, fallback: undefined, documentedDefault: `\`${DEV_API_KEY}\` (with a warning) only when unset and \`NODE_ENV\` is not \`production\``, readBy: ['api'], description: 'comma-separated bearer tokens; set but empty, or unset in production, and the API refuses to start' }),
  ABLATE_ADMIN_KEYS: spec<string[]>({ schema: keyList, fallback: [], documentedDefault: 'none', readBy: ['api'], description: 'keys that may also administer the queues at `/queues/admin`' }),
  ABLATE_AUTH_FAILURES_PER_MINUTE: spec({ schema: count, fallback: 60, documentedDefault: '60', readBy: ['api'], description: 'failed authentications a client address may make per minute before every request of it gets 429 (0: off)' }),
  ABLATE_MAX_RUNS_PER_SWEEP: spec({ schema: count, fallback: DEFAULT_MAX_RUNS_PER_SWEEP, documentedDefault: String(DEFAULT_MAX_RUNS_PER_SWEEP), readBy: ['api'], description: 'cap on grid product × seeds' }),
  ABLATE_BODY_LIMIT: spec({ schema: text, fallback: '1mb', documentedDefault: '1mb', readBy: ['api'], description: 'larger request bodies get 413' }),
  ABLATE_TRAIN_ATTEMPTS: spec({ schema: positive, fallback: DEFAULT_TRAIN_ATTEMPTS, documentedDefault: String(DEFAULT_TRAIN_ATTEMPTS), readBy: ['api', 'worker'], description: 'attempts of a train job (retries after an error, with exponential backoff)' }),
  ABLATE_TRAIN_BACKOFF_MS: spec({ schema: count, fallback: DEFAULT_TRAIN_BACKOFF_MS, documentedDefault: String(DEFAULT_TRAIN_BACKOFF_MS), readBy: ['api', 'worker'], description: 'first retry delay of a train job, doubling (a worker adds the jobs of the runs ASHA promotes)' }),
  ABLATE_MAX_QUEUE_LAG_S: spec({ schema: count, fallback: 86_400, documentedDefault: '86400', readBy: ['api'], description: '`/health` reports the queues down past this wait' }),
  ABLATE_RECONCILE_EVERY_MS: spec({ schema: count, fallback: 30_000, documentedDefault: '30000', readBy: ['api'], description: "the reconciler's period (0: off): queued or running runs whose job vanished get a new one" }),
  ABLATE_RECONCILE_GRACE_S: spec({ schema: count, fallback: 30, documentedDefault: '30', readBy: ['api'], description: 'runs younger than this are left to the request that is enqueueing them' }),
  ABLATE_CONCURRENCY: spec({ schema: positive, fallback: () => availableParallelism(), documentedDefault: 'number of cores', readBy: ['worker'], description: 'runs trained at once by one worker process, each in a sandboxed child process' }),
  ABLATE_MAX_ATTEMPTS: spec({ schema: positive, fallback: (read) => read('ABLATE_TRAIN_ATTEMPTS') as number, documentedDefault: 'ABLATE_TRAIN_ATTEMPTS (3)', readBy: ['worker'], description: 'starts of a run (first try included) before it is failed for good, lost workers included' }),
  ABLATE_LOCK_MS: spec({ schema: positive, fallback: 30_000, documentedDefault: '30000', readBy: ['worker'], description: "job lock; a lost worker's run moves on after about twice this" }),
  ABLATE_METRICS_EVERY: spec({ schema: positive, fallback: 10, documentedDefault: '10', readBy: ['worker'], description: 'steps between metrics rows (and the last step)' }),
  ABLATE_CANCEL_POLL_MS: spec({ schema: positive, fallback: 1000, documentedDefault: '1000', readBy: ['worker'], description: "how often a running job polls the store's cancel flag" }),
  ABLATE_OUTAGE_BUDGET_MS: spec({ schema: positive, fallback: 600_000, documentedDefault: '600000', readBy: ['worker'], description: 'longest PostgreSQL outage a running job waits out before it fails; an outage within it costs no attempt' }),
  ABLATE_API_URL: spec({ schema: text, fallback: 'http://127.0.0.1:3000', documentedDefault: 'http://127.0.0.1:3000', readBy: ['cli'], description: "the API the CLI's sweep commands talk to (`--api`)" }),
  ABLATE_API_KEY: spec<string | undefined>({ schema: text, fallback: undefined, documentedDefault: 'unset', readBy: ['cli'], description: "the key the CLI's sweep commands send (`--key`)" }),
  PORT: spec({ schema: z.coerce.number().int().min(0).max(65_535), fallback: 3000, documentedDefault: '3000', readBy: ['api'], description: 'port the API listens on' }),
  HOST: spec({ schema: text, fallback: '0.0.0.0', documentedDefault: '0.0.0.0', readBy: ['api'], description: 'address the API listens on' }),
  NODE_ENV: spec<string | undefined>({ schema: text, fallback: undefined, documentedDefault: 'unset', readBy: ['api'], description: '`production` makes ABLATE_API_KEYS mandatory' }),
} as const;

export type VariableName = keyof typeof ENVIRONMENT;
type SpecValue<S> = S extends VariableSpec<infer T> ? T : never;
export type EnvironmentValue<K extends VariableName> = SpecValue<(typeof ENVIRONMENT)[K]>;
/** Every variable, parsed, with its default where unset. */
export type Environment = { readonly [K in VariableName]: EnvironmentValue<K> };

/** A variable whose value cannot be used; the message names it and says what was expected. */
export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
  }
}


/**
 * Reads every variable from `env` once: unset or blank means the default. Throws EnvironmentError
 * naming the first variable whose value does not parse, so a process refuses to start with it.
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const values = new Map<string, unknown>();
  const read = (name: string): unknown => {
    if (!values.has(name)) values.set(name, readOne(name as VariableName, env, read));
    return values.get(name);
  };
  return Object.fromEntries((Object.keys(ENVIRONMENT) as VariableName[]).map((name) => [name, read(name)])) as Environment;
}

/** One variable, parsed, or its default: for libraries that need one setting, not the whole environment. */
export function readVariable<K extends VariableName>(name: K, env: NodeJS.ProcessEnv = process.env): EnvironmentValue<K> {
  const read = (other: string): unknown => readOne(other as VariableName, env, read);
  return readOne(name, env, read) as EnvironmentValue<K>;
}

function readOne(name: VariableName, env: NodeJS.ProcessEnv, read: (name: string) => unknown): unknown {
  const variable = ENVIRONMENT[name] as VariableSpec<unknown>;
  const raw = variable.blankIsSet ? env[name] : env[name]?.trim();
  if (raw === undefined || (raw === '' && !variable.blankIsSet)) return typeof variable.fallback === 'function' ? (variable.fallback as (r: typeof read) => unknown)(read) : variable.fallback;
  const parsed = variable.schema.safeParse(raw);
  if (!parsed.success) throw new EnvironmentError(name, `${parsed.error.issues[0]?.message ?? 'invalid value'}, got ${JSON.stringify(raw)}`);
  return parsed.data;
}

/** README's table of the variables, generated from ENVIRONMENT. */
export function renderEnvironmentTable(): string {
  const rows = (Object.entries(ENVIRONMENT) as Array<[string, VariableSpec<unknown>]>).map(
    ([name, v]) => `| \`${name}\` | ${v.documentedDefault.includes('`') ? v.documentedDefault : `\`${v.documentedDefault}\``} | ${v.readBy.join(', ')} | ${v.description} |`,
  );
  return ['| variable | default | read by | what it does |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
