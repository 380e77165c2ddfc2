import { MEMORY_KNOBS } from '@ablate/detection';
import { ExperimentError } from './experiment-error';

/**
 * What the WebAssembly backend throws when its module dies — most often because the 4 GB wasm32
 * heap ran out (the paper-default RetinaNet at 512 px died so at 4.4 GB resident): emscripten's
 * `Aborted()`, a trap, or an allocation that failed.
 */
const BACKEND_ABORT = /^Aborted\(|Build with -sASSERTIONS|memory access out of bounds|^unreachable$|Out of memory|Cannot enlarge memory|Array buffer allocation failed/i;

/** Whether `err` is the compute backend dying rather than a fault of the run's data or code. */
export function isBackendAbort(err: unknown): boolean {
  // WebAssembly.RuntimeError and RangeError are Errors.
  return err instanceof Error && BACKEND_ABORT.test(err.message);
}

/**
 * The run does not fit its backend: a user error (not retried, exit status 2 in the CLI) that
 * says which knobs make it fit. The process's backend is unusable afterwards.
 */
export class BackendOutOfMemoryError extends ExperimentError {
  constructor(cause: unknown) {
    super(
      'model',
      `the compute backend aborted (${String((cause as Error).message).split('.')[0]}): the run most likely does not fit in memory — ` +
        `the WebAssembly backend has a 4 GB heap. Reduce ${MEMORY_KNOBS.join(', ')}, ` +
        'or train on a GPU worker (ABLATE_BACKEND=tensorflow)',
    );
  }
}

/** Runs `work`, turning a backend abort into a BackendOutOfMemoryError. */
export async function failClearlyOnBackendAbort<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isBackendAbort(err)) throw new BackendOutOfMemoryError(err);
    throw err;
  }
}
