import { simdKernelText } from './kernel-text';

/**
 * Assembles the SIMD kernels' text into a WebAssembly binary with wabt. Only the build step
 * (`npm run build:kernels`) and the spec that checks the committed binary call this: at run time
 * the engine loads simd-kernels.wasm and needs no assembler (it saved ~40–65 ms per process).
 */
export async function assembleSimdKernels(): Promise<Uint8Array> {
  const wabt = await (await import('wabt')).default();
  const parsed = wabt.parseWat('ablate-simd-kernels.wat', simdKernelText(), { simd: true });
  try {
    parsed.validate();
    return Uint8Array.from(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}
