import type { SimdKernels } from './simd-kernels';

/*
 * Per-channel sums over the rows of [n, c] arrays on the wasm heap, as accurate as pairwise sums:
 * the SIMD kernels add blocks of SUM_BLOCK_ROWS rows in float32 into a [c] scratch, and the blocks
 * are added here in float64 (a sum over 32,768 rows in one float32 accumulator loses ~3 digits).
 */
const SUM_BLOCK_ROWS = 256;

/** The wasm backend's Emscripten module: its allocator, for per-channel scratch, and its heap. */
interface HeapAllocator {
  wasm: { _malloc(bytes: number): number; _free(address: number): void; HEAPU8: Uint8Array };
}

/** `length` floats of the heap at byte `address` (a fresh view: the heap's buffer changes when it grows). */
export const floatsAt = (backend: unknown, address: number, length: number): Float32Array =>
  new Float32Array((backend as HeapAllocator).wasm.HEAPU8.buffer, address, length);

/**
 * Σ over the n rows of the [n, c] array at `x` of `pass`'s per-row terms, in float64: `pass` adds a
 * block's float32 sums into the scratch at `scratch`, `sums` contiguous [c] arrays (a pass may sum
 * several terms at once), which is zeroed before each block. Returns the `sums`·c totals.
 */
export function blockedSums(
  backend: unknown,
  n: number,
  c: number,
  scratch: number,
  pass: (rowOffsetBytes: number, rows: number) => void,
  sums = 1,
): Float64Array {
  const total = new Float64Array(sums * c);
  for (let row = 0; row < n; row += SUM_BLOCK_ROWS) {
    const rows = Math.min(SUM_BLOCK_ROWS, n - row);
    floatsAt(backend, scratch, sums * c).fill(0);
    pass(row * c * 4, rows);
    const block = floatsAt(backend, scratch, sums * c);
    for (let j = 0; j < total.length; j++) total[j]! += block[j]!;
  }
  return total;
}

/** Runs `use` with `floats` floats of heap scratch from the backend's allocator, freed after. */
export function withScratch<T>(backend: unknown, floats: number, use: (address: number) => T): T {
  const { wasm } = backend as HeapAllocator;
  const address = wasm._malloc(floats * 4) >>> 0;
  try {
    return use(address);
  } finally {
    wasm._free(address);
  }
}

/** Σ over the rows of the [n, c] float32 array at heap address `x` (c a multiple of 4), per channel. */
export function channelSums(backend: unknown, simd: SimdKernels, x: number, n: number, c: number): Float64Array {
  return withScratch(backend, c, (scratch) => blockedSums(backend, n, c, scratch, (offset, rows) => simd.channelSums(x + offset, scratch, rows, c)));
}
