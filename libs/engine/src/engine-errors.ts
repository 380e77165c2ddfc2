/** `ABLATE_BACKEND` (or the argument of `initBackend`) holds a value that names no backend. */
export class InvalidBackendChoiceError extends Error {
  override readonly name = 'InvalidBackendChoiceError';
  constructor(
    /** The offending value. */
    readonly value: string,
    /** The accepted values. */
    readonly allowed: readonly string[],
  ) {
    super(`ABLATE_BACKEND=${value}: not a backend; use one of ${allowed.join(', ')}`);
  }
}

/** An explicitly requested backend cannot load; the message says what is missing and how to get it. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  constructor(
    /** The requested backend (the value of ABLATE_BACKEND). */
    readonly choice: string,
    /** Why each package that could provide it failed, one entry per package. */
    readonly reasons: readonly string[],
    hint: string,
  ) {
    super(`ABLATE_BACKEND=${choice}: ${reasons.join('; ')} (${hint})`);
  }
}

/** `backendInfo()` was called before `await initBackend()`. */
export class BackendNotInitialisedError extends Error {
  override readonly name = 'BackendNotInitialisedError';
  constructor() {
    super('no TensorFlow.js backend chosen yet: call `await initBackend()` first');
  }
}

/**
 * The installed TensorFlow.js is not the version the engine was built for. The engine reads
 * tfjs internals (the wasm backend's heap and module, kernel configs) and replaces registered
 * kernels, so another version could compute wrong gradients silently instead of failing.
 */
export class TfjsVersionMismatchError extends Error {
  override readonly name = 'TfjsVersionMismatchError';
  constructor(
    readonly packageName: string,
    readonly installed: string,
    readonly builtFor: string,
  ) {
    super(
      `${packageName} ${installed} is installed, but @ablate/engine was built and tested for ${builtFor} ` +
        `(libs/engine/package.json): install exactly ${builtFor} (npm ci), or re-verify the engine's kernels against ${installed} and change the pin`,
    );
  }
}
