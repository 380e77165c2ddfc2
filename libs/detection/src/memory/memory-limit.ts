import { DEFAULT_RUN_MEMORY_LIMIT_MB, readVariable } from '@ablate/config';
import { estimateRunMemory, type EstimatedConfig, type MemoryEstimate } from './memory-estimate';

/**
 * The most a wasm32 heap can grow to: `getHeapMax()` of @tensorflow/tfjs-backend-wasm 4.22's
 * emscripten runtime returns 4294901760 (4 GiB − one 64 KiB page). Past it, memory growth fails
 * and the module aborts (`Aborted(). Build with -sASSERTIONS for more info.`).
 */
export const WASM_HEAP_MAX_BYTES = 4_294_901_760;

/**
 * What a run may be estimated to need on the wasm backend: 3584 MiB, the heap maximum less about
 * 1/8 (512 MiB) for what the estimate does not see — allocator fragmentation, the last growth
 * step, the estimate's own error.
 */
export const WASM_RUN_MEMORY_LIMIT_BYTES = DEFAULT_RUN_MEMORY_LIMIT_MB * 2 ** 20;

/** The environment variable that sets the limit where the backend's own is not the right one (GPU workers). */
export const RUN_MEMORY_LIMIT_VARIABLE = 'ABLATE_RUN_MEMORY_LIMIT_MB' as const;

/** A limit in bytes and where it comes from, for the message. */
export interface RunMemoryLimit {
  bytes: number;
  source: string;
}

/**
 * The memory a run training here on `backend` may be estimated to need: `ABLATE_RUN_MEMORY_LIMIT_MB`
 * when set, else {@link WASM_RUN_MEMORY_LIMIT_BYTES} on wasm, else none (the cpu and native
 * backends allocate outside any fixed heap).
 *
 * @throws EnvironmentError (@ablate/config) naming the variable when it is not a positive integer.
 */
export function runMemoryLimit(backend: string, env: NodeJS.ProcessEnv = process.env): RunMemoryLimit | undefined {
  // Unset means the backend's own limit, not the variable's default: a native backend has none.
  const set = (env[RUN_MEMORY_LIMIT_VARIABLE] ?? '') !== '';
  if (set) return { bytes: readVariable(RUN_MEMORY_LIMIT_VARIABLE, env) * 2 ** 20, source: RUN_MEMORY_LIMIT_VARIABLE };
  return backend === 'wasm' ? { bytes: WASM_RUN_MEMORY_LIMIT_BYTES, source: `the wasm backend's heap, at most ${formatMegabytes(WASM_HEAP_MAX_BYTES)}` } : undefined;
}

/** The config fields that shrink a run's memory, the strongest first. */
export const MEMORY_KNOBS = ['model.inputSize', 'train.batchSize', 'model.backboneWidth', 'model.backbone', 'model.fpnChannels', 'model.headConvs'] as const;

const MB = 2 ** 20;

/** `1234567890` → `1177 MB`. */
export function formatMegabytes(bytes: number): string {
  return `${Math.round(bytes / MB)} MB`;
}

/** One line saying where an estimate's bytes go. */
export function describeEstimate(e: MemoryEstimate): string {
  const { bytes } = e;
  return (
    `${(e.parameters / 1e6).toFixed(1)} M parameters: weights ${formatMegabytes(bytes.weights)}, gradients ${formatMegabytes(bytes.gradients)}, ` +
    `optimiser ${formatMegabytes(bytes.optimizer)}, activations ${formatMegabytes(bytes.activations)} at ${e.inputSize} px × batch ${e.batchSize}`
  );
}

/**
 * A run whose estimated (or actual) memory does not fit the backend: a user error — the same
 * config fails the same way on every retry. The message names the estimate, the limit and the
 * knobs that reduce it.
 */
export class RunMemoryError extends Error {
  override readonly name = 'RunMemoryError';

  constructor(
    /** What the message is about ('run', 'grid point loss.gamma=2, seed 0' …). */
    readonly subject: string,
    /** Why: the estimate against the limit, or the abort the backend raised. */
    readonly reason: string,
  ) {
    super(`${subject} does not fit in memory: ${reason}; reduce ${MEMORY_KNOBS.join(', ')}`);
  }
}

/**
 * Refuses an estimate above `limitBytes`.
 *
 * @param subject - names the run in the message.
 * @param limitName - says where the limit comes from (e.g. `ABLATE_RUN_MEMORY_LIMIT_MB`).
 * @throws RunMemoryError with the estimate by part, the limit and the knobs.
 */
export function assertFitsMemory(estimate: MemoryEstimate, limitBytes: number, subject = 'run', limitName = 'the wasm heap'): void {
  if (estimate.bytes.total <= limitBytes) return;
  throw new RunMemoryError(
    subject,
    `needs about ${formatMegabytes(estimate.bytes.total)} (${describeEstimate(estimate)}), the limit is ${formatMegabytes(limitBytes)} (${limitName})`,
  );
}

/**
 * Refuses, before training starts, a run that cannot fit the backend this process trains on
 * ({@link runMemoryLimit}; nothing is checked where there is no limit). For `ablate train` and the
 * workers, which know their backend; the API checks against its configured limit instead.
 *
 * @throws RunMemoryError naming `subject`, the estimate, the limit and the knobs.
 */
export async function assertFitsBackend(config: EstimatedConfig, backend: string, subject = 'run', env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const limit = runMemoryLimit(backend, env);
  if (limit !== undefined) assertFitsMemory(await estimateRunMemory(config), limit.bytes, subject, limit.source);
}
