import { createRequire } from 'node:module';
import type { Gpu, GpuAdapter, GpuAdapterInfo } from './gpu-types';

/** The npm package of Dawn's Node bindings (its compiled `dawn.node` ships inside it). */
export const DAWN_PACKAGE = 'webgpu';

/**
 * Device names of the CPU implementations of Vulkan and WebGPU. Dawn marks SwiftShader as a
 * fallback adapter, but Mesa's lavapipe (device "llvmpipe …") reports `isFallbackAdapter: false` on
 * some Dawn builds, so the name is checked too.
 */
const SOFTWARE_DEVICE = /lavapipe|llvmpipe|swiftshader|softpipe/i;

/** What `backendInfo()` reports of a WebGPU adapter. */
export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU emulation (fallback adapter, lavapipe, SwiftShader): `auto` never takes it. */
  software: boolean;
  /** Bytes: the largest buffer, and the largest one a shader may bind (every tensor is bound as storage). */
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

/** True for an adapter that computes on the CPU: a fallback adapter or a software driver's device name. */
export function isSoftwareAdapter(info: GpuAdapterInfo): boolean {
  if (info.isFallbackAdapter === true || info.architecture === 'software') return true;
  return SOFTWARE_DEVICE.test(`${info.device} ${info.description}`);
}

export function describeAdapter(adapter: GpuAdapter): AdapterReport {
  const { vendor, architecture, device, description } = adapter.info;
  return {
    vendor,
    architecture,
    device,
    description,
    software: isSoftwareAdapter(adapter.info),
    limits: { maxBufferSize: adapter.limits.maxBufferSize, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize },
  };
}

interface DawnModule {
  create(flags: string[]): Gpu;
  globals: Record<string, unknown>;
}

let gpu: Gpu | undefined;

/**
 * Dawn's `GPU` object, created once per process, with the WebGPU globals tfjs-backend-webgpu reads
 * (`navigator.gpu`, `GPUBufferUsage`, `GPUBuffer` …) installed on `globalThis`, as a browser has them.
 * `webgpu` is an ES module; Node ≥ 20.19 (package.json's engines) loads it through `require`.
 */
export function dawnGpu(): Gpu {
  if (gpu) return gpu;
  const dawn = createRequire(__filename)(DAWN_PACKAGE) as DawnModule;
  const created = dawn.create([]);
  const scope = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(dawn.globals)) if (!(name in scope)) scope[name] = value;
  if (scope['navigator'] === undefined) scope['navigator'] = { gpu: created };
  else if ((scope['navigator'] as { gpu?: unknown }).gpu === undefined) Object.defineProperty(scope['navigator'], 'gpu', { value: created, configurable: true });
  gpu = created;
  return created;
}

/** The adapter Dawn offers first (high-performance preference); throws, saying why, when there is none. */
export async function requestAdapter(): Promise<GpuAdapter> {
  const adapter = await dawnGpu().requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      'Dawn found no WebGPU adapter: no Vulkan driver (ICD) is installed; on NVIDIA install the driver, and in a container set NVIDIA_DRIVER_CAPABILITIES to include graphics',
    );
  }
  return adapter;
}

/** What Dawn finds on this machine, without making a device or a backend (`npm run bench:gpu`'s probe). */
export async function probeWebGpuAdapter(): Promise<AdapterReport> {
  return describeAdapter(await requestAdapter());
}
