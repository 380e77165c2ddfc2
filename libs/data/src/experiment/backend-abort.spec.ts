import { BackendOutOfMemoryError, failClearlyOnBackendAbort, isBackendAbort } from './backend-abort';
import { ExperimentError } from './experiment-error';

/** Node's WebAssembly (the project's TypeScript lib carries no DOM types). */
const wasm = (globalThis as unknown as {
  WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (m: object) => { exports: Record<string, unknown> }; RuntimeError: new (m: string) => Error };
}).WebAssembly;

/** A real trap of a real WebAssembly module: `(func (export "f") unreachable)`. */
function realTrap(): unknown {
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 5, 1, 3, 0, 0, 11]);
  const instance = new wasm.Instance(new wasm.Module(bytes));
  try {
    (instance.exports['f'] as () => void)();
  } catch (err) {
    return err;
  }
  throw new Error('expected a trap');
}

describe('backend aborts', () => {
  it('recognises a wasm trap and emscripten’s Aborted(), not ordinary errors', () => {
    const trap = realTrap();
    expect(trap).toBeInstanceOf(wasm.RuntimeError);
    expect(isBackendAbort(trap)).toBe(true);
    expect(isBackendAbort(new wasm.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.'))).toBe(true);
    expect(isBackendAbort(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isBackendAbort(new Error('model.numClasses: is 3'))).toBe(false);
  });

  it('turns one into a user error that names the knobs, and lets other errors through', async () => {
    const err = await failClearlyOnBackendAbort(async () => {
      throw new wasm.RuntimeError('Aborted(). Build with -sASSERTIONS for more info.');
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendOutOfMemoryError);
    expect(err).toBeInstanceOf(ExperimentError);
    expect((err as Error).message).toMatch(/^model: the compute backend aborted \(Aborted\(\)\): .*4 GB heap\. Reduce model\.inputSize, train\.batchSize/);
    await expect(failClearlyOnBackendAbort(async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
  });
});
