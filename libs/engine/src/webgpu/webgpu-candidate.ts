import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendCandidate, BackendInfo } from '../backend-candidates';
import { type AdapterReport, DAWN_PACKAGE, describeAdapter, requestAdapter } from './adapter';
import { guardWebGpuBackend } from './device-guard';
import type { GpuAdapter, GpuDevice } from './gpu-types';

export const WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

/** Set to 1 to let an explicit `ABLATE_BACKEND=webgpu` use a software adapter (CI on lavapipe). */
export const ALLOW_SOFTWARE_GPU = 'ABLATE_ALLOW_SOFTWARE_GPU';

const load = createRequire(__filename);

/** The adapter the process's webgpu backend runs on, once it was made (one device per process). */
let activeAdapter: AdapterReport | undefined;

function softwareAllowed(): boolean {
  return process.env[ALLOW_SOFTWARE_GPU] === '1';
}

/**
 * The device tfjs-backend-webgpu would request (the adapter's own limits, so tensors up to its
 * binding limit fit; the default limits are far lower), made here so the engine can guard it.
 */
async function requestDevice(adapter: GpuAdapter): Promise<GpuDevice> {
  const l = adapter.limits;
  return adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  });
}

/** Registers tfjs's 'webgpu' backend on the adapter, guarded (device-guard.ts). */
async function registerOn(adapter: GpuAdapter): Promise<void> {
  // Loading the package registers its kernels, and its own backend factory when `navigator.gpu`
  // exists; the engine replaces that factory with one on the device it made and guards.
  const { WebGPUBackend } = load(WEBGPU_PACKAGE) as typeof import('@tensorflow/tfjs-backend-webgpu');
  const device = await requestDevice(adapter);
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => {
    const backend = new WebGPUBackend(device as unknown as ConstructorParameters<typeof WebGPUBackend>[0], adapter.info as never);
    guardWebGpuBackend(backend as never, device);
    return backend;
  });
}

/**
 * tfjs-backend-webgpu on Dawn's Node bindings. `auto` takes it only on a hardware adapter, so a
 * machine without a GPU driver never trains at CPU-emulation speed believing it has a GPU; an
 * explicit choice takes a software adapter only with ABLATE_ALLOW_SOFTWARE_GPU=1.
 */
export function webgpuCandidate(mode: 'auto' | 'explicit'): BackendCandidate {
  return {
    label: 'webgpu',
    backend: 'webgpu',
    package: WEBGPU_PACKAGE,
    async activate(): Promise<BackendInfo> {
      if (!activeAdapter) {
        for (const pkg of [WEBGPU_PACKAGE, DAWN_PACKAGE]) {
          try {
            load.resolve(`${pkg}/package.json`);
          } catch {
            throw new Error(`${pkg} is not installed`);
          }
        }
        const adapter = await requestAdapter();
        const report = describeAdapter(adapter);
        refuseSoftware(report, mode);
        await registerOn(adapter);
        activeAdapter = report;
      } else {
        refuseSoftware(activeAdapter, mode);
      }
      if (!(await tf.setBackend('webgpu'))) throw new Error(`${WEBGPU_PACKAGE} is installed but its 'webgpu' backend failed to start`);
      const { version } = load(`${WEBGPU_PACKAGE}/package.json`) as { version: string };
      // One device queue: the GPU is shared by the whole process.
      return { backend: 'webgpu', package: WEBGPU_PACKAGE, version, device: 'gpu', threads: 1, adapter: activeAdapter };
    },
  };
}

function refuseSoftware(report: AdapterReport, mode: 'auto' | 'explicit'): void {
  if (!report.software) return;
  const what = `the WebGPU adapter is a CPU emulation (${report.description || report.device})`;
  if (mode === 'auto') throw new Error(`${what}: auto takes a hardware GPU only`);
  if (!softwareAllowed()) throw new Error(`${what}: set ${ALLOW_SOFTWARE_GPU}=1 to use it anyway (tests; it is slower than wasm)`);
}
