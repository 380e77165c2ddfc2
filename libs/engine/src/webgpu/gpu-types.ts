/**
 * The few WebGPU objects the engine touches, typed here rather than through @webgpu/types' globals
 * (which would make `navigator.gpu` and friends look present in every library's types, in Node where
 * they are not).
 */

/** `GPUAdapterInfo`: what the driver says the adapter is. */
export interface GpuAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** True for an adapter the implementation marks as a CPU fallback (SwiftShader, lavapipe with some Dawns). */
  readonly isFallbackAdapter?: boolean;
}

/** The limits the engine reads and hands on to the device. */
export interface GpuLimits {
  readonly maxBufferSize: number;
  readonly maxStorageBufferBindingSize: number;
  readonly maxComputeWorkgroupStorageSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxComputeWorkgroupSizeX: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
}

/** `GPUError` as delivered by `popErrorScope` and `uncapturederror`. */
export interface GpuError {
  readonly message: string;
  readonly constructor: { readonly name: string };
}

export interface GpuDevice {
  readonly limits: GpuLimits;
  readonly features: ReadonlySet<string>;
  readonly lost: Promise<{ readonly reason: string; readonly message: string }>;
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<GpuError | null>;
  addEventListener(type: 'uncapturederror', listener: (event: { readonly error: GpuError }) => void): void;
  createBuffer(descriptor: { size: number; usage: number; mappedAtCreation?: boolean }): { destroy(): void };
  destroy(): void;
}

export interface GpuAdapter {
  readonly info: GpuAdapterInfo;
  readonly limits: GpuLimits;
  readonly features: ReadonlySet<string>;
  requestDevice(descriptor: { requiredFeatures?: string[]; requiredLimits?: Record<string, number> }): Promise<GpuDevice>;
}

export interface Gpu {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapter | null>;
}
