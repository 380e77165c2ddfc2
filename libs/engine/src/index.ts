/**
 * `@ablate/engine`: picks the TensorFlow.js backend (`ABLATE_BACKEND`) and makes training run on
 * it, registering for the wasm backend the gradient kernels it lacks or runs slowly (README.md).
 * The models reach the engine's fused kernels only through the ops below, each of which falls back
 * to plain tfjs where its kernel does not apply.
 */
export { initBackend, backendInfo, parseBackendChoice, BACKEND_CHOICES } from './init-backend';
export type { BackendChoice, InitBackendOptions } from './init-backend';
export type { BackendInfo } from './backend-candidates';
export { InvalidBackendChoiceError, BackendUnavailableError, BackendNotInitialisedError, TfjsVersionMismatchError } from './engine-errors';
export { useSimdKernels } from './wasm-kernels/simd/simd-kernels';
export { swishGradient } from './ops/fused-activation-gradients';
export { fusedBatchNormForward, fusedBatchNormBackward, prefersFusedBatchNorm, type MovingStatistics } from './ops/fused-batch-norm';
export { fusedAdamUpdate, prefersFusedAdamUpdate, hasFusedAdamUpdate } from './ops/adam-update';
export { variableGradsAsync } from './async-gradients';
export { withDeviceErrorScope, throwIfDeviceFailed, GpuDeviceError, GpuBufferLimitError } from './webgpu/device-guard';
export { isSoftwareAdapter, probeWebGpuAdapter, type AdapterReport } from './webgpu/adapter';
export { ALLOW_SOFTWARE_GPU } from './webgpu/webgpu-candidate';
