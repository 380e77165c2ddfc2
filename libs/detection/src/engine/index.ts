/**
 * The compute engine: picks the TensorFlow.js backend (`ABLATE_BACKEND`) and makes training run
 * on it, registering for the wasm backend the gradient kernels it lacks or runs slowly.
 */
export { initBackend, backendInfo, parseBackendChoice, BACKEND_CHOICES } from './init-backend';
export type { BackendChoice, InitBackendOptions } from './init-backend';
export type { BackendInfo } from './backend-candidates';
export { InvalidBackendChoiceError, BackendUnavailableError, BackendNotInitialisedError } from './engine-errors';
export { registerWasmGradientKernels, WASM_GRADIENT_KERNELS } from './wasm-kernels/register-wasm-gradients';
export { useSimdKernels } from './wasm-kernels/simd/simd-kernels';
