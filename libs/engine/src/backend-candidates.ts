import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmGradientKernels } from './wasm-kernels/register-wasm-gradients';
import { loadSimdKernels } from './wasm-kernels/simd/simd-kernels';
import type { AdapterReport } from './webgpu/adapter';
import { webgpuCandidate } from './webgpu/webgpu-candidate';

/** What a worker records with every run: which backend computed it, where, on how many threads. */
export interface BackendInfo {
  /** The tfjs backend name: 'tensorflow' (libtensorflow via tfjs-node[-gpu]), 'webgpu' (Dawn), 'wasm' or 'cpu'. */
  backend: 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  /** The npm package that provides it. */
  package: string;
  /** That package's version. */
  version: string;
  /** Where the kernels run. */
  device: 'gpu' | 'cpu';
  /** Threads the backend computes on (wasm in Node: 1; one worker process per core uses a machine). */
  threads: number;
  /** Whether the wasm binary uses 128-bit SIMD (wasm only). */
  simd?: boolean;
  /** The WebGPU adapter: vendor, architecture, device, whether it is a CPU emulation, buffer limits (webgpu only). */
  adapter?: AdapterReport;
}

/** One way of getting a backend: a package to load and how to describe the result. */
export interface BackendCandidate {
  /** Short label used in logs. */
  label: string;
  backend: BackendInfo['backend'];
  package: string;
  /** Loads the package and makes its backend current; throws with the reason when it cannot. */
  activate(): Promise<BackendInfo>;
}

// Resolve packages from this file, lazily: the native packages are optional dependencies, and a
// missing one is a normal outcome, not an import error at load time.
const load = createRequire(__filename);

/** True when `pkg` resolves; false only when the package itself is absent (not its dependencies). */
export function isInstalled(pkg: string): boolean {
  try {
    load.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

function packageVersion(pkg: string): string {
  return (load(`${pkg}/package.json`) as { version: string }).version;
}

async function makeCurrent(backend: string, pkg: string): Promise<void> {
  // setBackend resolves false (and logs tfjs's own error) when the backend's factory fails.
  if (!(await tf.setBackend(backend))) throw new Error(`${pkg} is installed but its '${backend}' backend failed to start`);
}

function tensorflowCandidate(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): BackendCandidate {
  return {
    label: pkg.endsWith('-gpu') ? 'tensorflow-gpu' : 'tensorflow',
    backend: 'tensorflow',
    package: pkg,
    async activate() {
      if (!isInstalled(pkg)) throw new Error(`${pkg} is not installed`);
      try {
        load(pkg); // registers the 'tensorflow' backend (and loads libtensorflow)
      } catch (err) {
        throw new Error(`${pkg} is installed but does not load: ${(err as Error).message.split('\n')[0]}`);
      }
      await makeCurrent('tensorflow', pkg);
      const instance = tf.backend() as unknown as { isUsingGpuDevice?: boolean | (() => boolean) };
      const gpu =
        typeof instance.isUsingGpuDevice === 'function' ? instance.isUsingGpuDevice() : !!instance.isUsingGpuDevice;
      // libtensorflow sizes its intra-op pool to the machine's cores by default.
      return { backend: 'tensorflow', package: pkg, version: packageVersion(pkg), device: gpu ? 'gpu' : 'cpu', threads: os.availableParallelism() };
    },
  };
}

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

const wasmCandidate: BackendCandidate = {
  label: 'wasm',
  backend: 'wasm',
  package: WASM_PACKAGE,
  async activate() {
    const wasm = load(WASM_PACKAGE) as typeof import('@tensorflow/tfjs-backend-wasm');
    // Point the loader at the package's own dist directory, so that the .wasm binaries are found
    // however this module was loaded (SWC, vitest, a bundle).
    const dist = path.dirname(load.resolve(`${WASM_PACKAGE}/dist/tfjs-backend-wasm.wasm`));
    // Only before the backend first initialises: afterwards the paths are read no more.
    if (!tf.engine().registry['wasm']) wasm.setWasmPaths(`${dist}${path.sep}`);
    await makeCurrent('wasm', WASM_PACKAGE);
    registerWasmGradientKernels();
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
    // The engine's own SIMD kernels (filter gradients) share the backend's heap; without SIMD, XNNPACK routes remain.
    if (simd) await loadSimdKernels(tf.backend());
    return { backend: 'wasm', package: WASM_PACKAGE, version: wasm.version_wasm, device: 'cpu', threads: wasm.getThreadsCount(), simd };
  },
};

const CPU_PACKAGE = '@tensorflow/tfjs-backend-cpu';

const cpuCandidate: BackendCandidate = {
  label: 'cpu',
  backend: 'cpu',
  package: CPU_PACKAGE,
  async activate() {
    const cpu = load(CPU_PACKAGE) as typeof import('@tensorflow/tfjs-backend-cpu');
    await makeCurrent('cpu', CPU_PACKAGE);
    return { backend: 'cpu', package: CPU_PACKAGE, version: cpu.version_cpu, device: 'cpu', threads: 1 };
  },
};

/**
 * The candidates each choice tries, in order. In `auto`, WebGPU comes after CUDA (libtensorflow's
 * kernels are faster where they install) and before the CPU backends, and only on a hardware adapter.
 */
export const CANDIDATES = {
  auto: [
    tensorflowCandidate('@tensorflow/tfjs-node-gpu'),
    webgpuCandidate('auto'),
    tensorflowCandidate('@tensorflow/tfjs-node'),
    wasmCandidate,
    cpuCandidate,
  ],
  tensorflow: [tensorflowCandidate('@tensorflow/tfjs-node-gpu'), tensorflowCandidate('@tensorflow/tfjs-node')],
  webgpu: [webgpuCandidate('explicit')],
  wasm: [wasmCandidate],
  cpu: [cpuCandidate],
} as const;

/** How to get each explicit choice, for the error of a choice that cannot load. */
export const INSTALL_HINTS: Record<keyof typeof CANDIDATES, string> = {
  auto: 'reinstall dependencies: npm ci',
  tensorflow:
    'npm install @tensorflow/tfjs-node, or @tensorflow/tfjs-node-gpu on a GPU machine; they download libtensorflow 2.9.1 at install time, and the GPU build needs CUDA 11.2 and cuDNN 8.1',
  webgpu:
    'a GPU with its Vulkan driver (NVIDIA: the driver, and in a container NVIDIA_DRIVER_CAPABILITIES including graphics); @tensorflow/tfjs-backend-webgpu and webgpu come with npm ci',
  wasm: 'npm install @tensorflow/tfjs-backend-wasm',
  cpu: 'npm install @tensorflow/tfjs-backend-cpu',
};
