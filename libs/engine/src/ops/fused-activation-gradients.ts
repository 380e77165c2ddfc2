import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { GradConfig, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { type HeapBackend, heapAddress } from '../wasm-kernels/heap-slice';
import { type SimdKernels, simdKernelsOn } from '../wasm-kernels/simd/simd-kernels';

/*
 * Gradients of the models' activations as one SIMD pass each on the wasm heap, instead of several
 * tfjs kernels per activation:
 * - swish: dx = dy·σ·(1 + x·(1 − σ)), five kernels and two scalar tensors otherwise. EfficientNet and
 *   BiFPN apply swish after every normalisation, ~100 times in an EfficientDet-φ0 step.
 * - relu: dx = x > 0 ? dy : 0, three kernels otherwise (step, a cast that copies, a product): after
 *   every normalisation of ResNet, and in any graph that calls tf.relu (the conv stack of bench:engine).
 */
export const SWISH_GRADIENT_KERNEL = 'AblateSwishGradient';
export const RELU_GRADIENT_KERNEL = 'AblateReluGradient';

/** A wasm kernel whose float32 output, shaped like its first input, is one elementwise pass of the SIMD kernels. */
function elementwiseOnHeap(kernelName: string, inputNames: string[], pass: (simd: SimdKernels) => (...addressesAndCount: number[]) => void): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend }) => {
    const heap = backend as unknown as HeapBackend;
    const simd = simdKernelsOn(backend) as SimdKernels;
    const tensors = inputNames.map((name) => inputs[name] as TensorInfo);
    const out = heap.makeOutput(tensors[0]!.shape, 'float32');
    // Addresses after the output's allocation, which may have grown the heap.
    const addresses = [...tensors, out].map((t) => heapAddress(heap, t));
    pass(simd)(...addresses, util.sizeFromShape(out.shape));
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc };
}

export const activationGradientKernelConfigs: KernelConfig[] = [
  elementwiseOnHeap(SWISH_GRADIENT_KERNEL, ['dy', 'x', 's'], (simd) => simd.swishGradient as (...a: number[]) => void),
  elementwiseOnHeap(RELU_GRADIENT_KERNEL, ['dy', 'x'], (simd) => simd.reluGradient as (...a: number[]) => void),
];

/** Whether `kernelName` can run for these float32 tensors: wasm with the SIMD kernels loaded. */
function prefersFused(kernelName: string, tensors: tf.Tensor[]): boolean {
  return (
    tensors.every((t) => t.dtype === 'float32') &&
    tf.getKernel(kernelName, tf.getBackend()) !== undefined &&
    simdKernelsOn(tf.backend()) !== null
  );
}

/** The gradient of swish x·σ(x), dy·s·(1 + x·(1 − s)) with s = σ(x): one SIMD pass on wasm, five elementwise kernels elsewhere. */
export function swishGradient(dy: tf.Tensor, x: tf.Tensor, s: tf.Tensor): tf.Tensor {
  if (prefersFused(SWISH_GRADIENT_KERNEL, [dy, x, s])) return tf.engine().runKernel(SWISH_GRADIENT_KERNEL, { dy, x, s }, {}) as tf.Tensor;
  return tf.mul(dy, tf.mul(s, tf.add(tf.mul(x, tf.sub(1, s)), 1)));
}

/** The gradient of relu at x: one SIMD pass on wasm, tfjs's own dy·step(x) elsewhere. */
export function reluGradient(dy: tf.Tensor, x: tf.Tensor): tf.Tensor {
  if (prefersFused(RELU_GRADIENT_KERNEL, [dy, x])) return tf.engine().runKernel(RELU_GRADIENT_KERNEL, { dy, x }, {}) as tf.Tensor;
  return tf.mul(dy, tf.cast(tf.step(x), 'float32'));
}

/**
 * The gradient of the Relu kernel, for every backend (tfjs keeps one gradient per kernel name):
 * tfjs's own formula, except where the fused kernel runs. Registered when the engine starts.
 */
export const reluGradConfig: GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [tf.Tensor];
    return { x: () => reluGradient(dy as tf.Tensor, x) };
  },
};
