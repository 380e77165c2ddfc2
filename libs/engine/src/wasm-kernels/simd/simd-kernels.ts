import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The engine's own wasm SIMD kernels (kernel-text.ts), running on the tfjs wasm backend's heap: the
 * module imports the backend's WasmMemory, so its functions take tensors' heap addresses
 * and read and write them in place, with no copies. Assembled from the text once, at build time
 * (`npm run build:kernels` writes simd-kernels.wasm, which is committed).
 */
export interface SimdKernels {
  /** c[i·sc + j] += Σ_{t<k} a[t·sa + i] · b[t·sb + j] for i < m, j < n (addresses in bytes, strides in elements). */
  gemmTn(a: number, sa: number, b: number, sb: number, k: number, c: number, sc: number, m: number, n: number): void;
  /** c[i·sc + j] += Σ_{t<k} a[i·sa + t] · b[t·sb + j] for i < m, j < n. */
  gemmNn(a: number, sa: number, b: number, sb: number, k: number, c: number, sc: number, m: number, n: number): void;
  /** c[j] += Σ_{t<k} a[t·sa + j] · b[t·sb + j] for j < n. */
  dotChannels(a: number, sa: number, b: number, sb: number, k: number, c: number, n: number): void;
  /** c[t·sc + j] += a[t·sa + j] · w[j] for t < k, j < n: the depthwise input gradient's per-tap update. */
  scaleAddChannels(a: number, sa: number, w: number, c: number, sc: number, k: number, n: number): void;
  /*
   * Passes of training-mode batch normalisation over [n, c] arrays (c a multiple of 4); per-channel
   * arrays are [c]. See kernel-text.ts.
   */
  /** out += Σ_rows x. */
  channelSums(x: number, out: number, n: number, c: number): void;
  /** out += Σ_rows (x − mean)². */
  centredSquares(x: number, mean: number, out: number, n: number, c: number): void;
  /** xhat = (x − mean)·r, y = xhat·gamma + beta. */
  normalise(x: number, mean: number, r: number, gamma: number, beta: number, xhat: number, y: number, n: number, c: number): void;
  /** sumDy += Σ_rows dy, sumDyXhat += Σ_rows dy·xhat. */
  gradientSums(dy: number, xhat: number, sumDy: number, sumDyXhat: number, n: number, c: number): void;
  /** dx = scale·(dy − a − xhat·b). */
  inputGradient(dy: number, xhat: number, a: number, b: number, scale: number, dx: number, n: number, c: number): void;
  /** dx = dy·s·(1 + x·(1 − s)) over n floats: the gradient of swish x·σ(x), s = σ(x). */
  swishGradient(dy: number, x: number, s: number, dx: number, n: number): void;
  /** dx = x > 0 ? dy : 0 over n floats: the gradient of relu. */
  reluGradient(dy: number, x: number, dx: number, n: number): void;
  /**
   * One output pixel of MaxPoolGrad: per channel, dy is added into dx at the first maximum (row-major,
   * strict >) of the rows × cols window at x (byte strides `pixel`, `row`); dx is x's position in dx.
   */
  maxPoolGradWindow(x: number, dx: number, dy: number, rows: number, cols: number, pixel: number, row: number, c: number): void;
}

/**
 * The WebAssembly API as far as used here. Node has it all; the project's type libraries (no DOM)
 * declare only part of the namespace.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The kernels and the heap they are bound to. */
let loaded: { kernels: SimdKernels; memory: WasmMemory } | null = null;

/** The wasm backend's Emscripten module exposes its instance's exports, the memory among them, as `asm`. */
interface WasmBackendLike {
  wasm?: { asm?: { memory?: WasmMemory } };
}

const memoryOf = (backend: unknown) => (backend as WasmBackendLike).wasm?.asm?.memory;

/** Whether kernels that have the SIMD kernels use them (see `useSimdKernels`). */
let enabled = true;

/**
 * Switches the SIMD kernels off (the gradient kernels then take their XNNPACK routes) or back on,
 * for the process: the specs check both routes against the cpu backend, bench:engine compares them.
 */
export function useSimdKernels(on: boolean): void {
  enabled = on;
}

/** The kernels bound to `backend`'s heap, once `loadSimdKernels` has run on it and unless switched off; else null (callers fall back). */
export function simdKernelsOn(backend: unknown): SimdKernels | null {
  return enabled && loaded !== null && memoryOf(backend) === loaded.memory ? loaded.kernels : null;
}

/** The kernels' WebAssembly, assembled from kernel-text.ts by `npm run build:kernels`. */
export const SIMD_KERNELS_BINARY = join(__dirname, 'simd-kernels.wasm');

/**
 * Loads the kernels and binds them to `backend`'s heap. Returns null (and the engine keeps its
 * XNNPACK routes) when the backend does not expose its memory; throws if the binary does not
 * instantiate, which is a bug of this module.
 */
export async function loadSimdKernels(backend: unknown): Promise<SimdKernels | null> {
  const memory = memoryOf(backend);
  if (!(memory instanceof wasmApi.Memory)) return null;
  if (loaded?.memory === memory) return loaded.kernels;
  const instance = new wasmApi.Instance(new wasmApi.Module(readFileSync(SIMD_KERNELS_BINARY)), { env: { memory } });
  const e = instance.exports as Record<string, never>;
  const kernels: SimdKernels = {
    gemmTn: e['gemm_tn'],
    gemmNn: e['gemm_nn'],
    dotChannels: e['dot_channels'],
    scaleAddChannels: e['scale_add_channels'],
    channelSums: e['channel_sums'],
    centredSquares: e['centred_squares'],
    normalise: e['normalise'],
    gradientSums: e['gradient_sums'],
    inputGradient: e['input_gradient'],
    swishGradient: e['swish_gradient'],
    reluGradient: e['relu_gradient'],
    maxPoolGradWindow: e['max_pool_grad_window'],
  };
  loaded = { kernels, memory };
  return loaded.kernels;
}
