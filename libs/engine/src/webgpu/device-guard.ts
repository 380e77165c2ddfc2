import * as tf from '@tensorflow/tfjs-core';
import type { GpuDevice, GpuError } from './gpu-types';

/**
 * A WebGPU device reported an error: a validation error (a command the device refused: its result
 * is garbage, e.g. the silently wrong sums of a buffer over the binding limit), an out-of-memory
 * error, or the device was lost. The run cannot go on on this device.
 */
export class GpuDeviceError extends Error {
  override readonly name = 'GpuDeviceError';
  constructor(
    /** 'validation', 'out-of-memory', 'internal' or 'lost'. */
    readonly kind: string,
    /** The device's own message. */
    readonly detail: string,
    /** What was running ("training step 3"), or where the error was noticed. */
    readonly during: string,
  ) {
    super(`WebGPU ${kind} error during ${during}: ${detail.trim()}`);
  }
}

/** A tensor would not fit in one WebGPU buffer binding: refused before its buffer is made. */
export class GpuBufferLimitError extends RangeError {
  override readonly name = 'GpuBufferLimitError';
  constructor(
    readonly shape: readonly number[],
    readonly dtype: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `a ${dtype} tensor of shape [${shape.join(', ')}] needs ${bytes} bytes, over this WebGPU adapter's buffer limit of ${limit} bytes ` +
        '(min of maxBufferSize and maxStorageBufferBindingSize): train with a smaller batch or image size, or on another backend',
    );
  }
}

/** The parts of tfjs-backend-webgpu's `WebGPUBackend` the guard wraps (tfjs 4.22, pinned). */
interface GuardedBackend {
  write(values: unknown, shape: number[], dtype: tf.DataType): object;
  readSync(dataId: object): unknown;
  tensorMap: { get(dataId: object): { values?: unknown; resource?: unknown } | undefined };
}

const KIND_OF_ERROR: Record<string, string> = {
  GPUValidationError: 'validation',
  GPUOutOfMemoryError: 'out-of-memory',
  GPUInternalError: 'internal',
};

function kindOf(error: GpuError): string {
  return KIND_OF_ERROR[error.constructor.name] ?? error.constructor.name;
}

let device: GpuDevice | undefined;
/** The first error no scope captured, kept until someone checks (`throwIfDeviceFailed`). */
let uncaptured: GpuDeviceError | undefined;

/**
 * Makes a WebGPU backend fail loudly instead of computing garbage:
 * - every tensor larger than the device's buffer limit is refused when it is made (`write` is where
 *   tfjs-backend-webgpu records every tensor, input or kernel output, before any buffer exists);
 * - a synchronous read of a tensor that lives on the GPU throws a clear error (tfjs would try an
 *   OffscreenCanvas, which Node has not);
 * - uncaptured device errors and the loss of the device are recorded for `throwIfDeviceFailed`.
 */
export function guardWebGpuBackend(backend: GuardedBackend, gpuDevice: GpuDevice): void {
  device = gpuDevice;
  uncaptured = undefined;
  const limit = Math.min(gpuDevice.limits.maxBufferSize, gpuDevice.limits.maxStorageBufferBindingSize);
  const write = backend.write.bind(backend);
  backend.write = (values, shape, dtype) => {
    // Strings stay on the host; every other dtype takes 4 bytes an element on WebGPU (bool as i32).
    const bytes = dtype === 'string' ? 0 : 4 * tf.util.sizeFromShape(shape);
    if (bytes > limit) throw new GpuBufferLimitError(shape, dtype, bytes, limit);
    return write(values, shape, dtype);
  };
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId) => {
    const data = backend.tensorMap.get(dataId);
    if (data?.values == null && data?.resource != null) {
      throw new Error('dataSync()/arraySync() of a tensor on the WebGPU device: in Node the webgpu backend reads only asynchronously (await tensor.data())');
    }
    return readSync(dataId);
  };
  gpuDevice.addEventListener('uncapturederror', (event) => {
    uncaptured ??= new GpuDeviceError(kindOf(event.error), event.error.message, 'work outside a training step');
  });
  void gpuDevice.lost.then((info) => {
    uncaptured ??= new GpuDeviceError('lost', `${info.reason}: ${info.message}`, 'the run');
  });
}

/** Throws the first device error no scope captured, if any (the device is unusable after it). */
export function throwIfDeviceFailed(): void {
  if (uncaptured && tf.getBackend() === 'webgpu') throw uncaptured;
}

/**
 * Runs `work` inside WebGPU error scopes for validation and out-of-memory errors and throws a
 * `GpuDeviceError` naming `during` when the device reported one (in preference to whatever `work`
 * threw after it: that is usually a consequence). On other backends it only runs `work`.
 */
export async function withDeviceErrorScope<T>(during: string, work: () => Promise<T>): Promise<T> {
  const active = device;
  if (!active || tf.getBackend() !== 'webgpu') return work();
  throwIfDeviceFailed();
  active.pushErrorScope('out-of-memory');
  active.pushErrorScope('validation');
  let result: T | undefined;
  let failure: unknown;
  let failed = false;
  try {
    result = await work();
  } catch (err) {
    failure = err;
    failed = true;
  }
  const validation = await active.popErrorScope();
  const memory = await active.popErrorScope();
  const error = validation ?? memory;
  if (error) throw new GpuDeviceError(kindOf(error), error.message, during);
  throwIfDeviceFailed();
  if (failed) throw failure;
  return result as T;
}
