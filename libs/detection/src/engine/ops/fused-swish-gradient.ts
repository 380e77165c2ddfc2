import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { type HeapBackend, heapAddress } from '../wasm-kernels/heap-slice';
import { type SimdKernels, simdKernelsOn } from '../wasm-kernels/simd/simd-kernels';

/*
 * The gradient of swish, dx = dy·σ·(1 + x·(1 − σ)), as one SIMD pass on the wasm heap instead of
 * five tfjs kernels (and two scalar tensors): EfficientNet and BiFPN apply swish after every
 * normalisation, ~100 times in an EfficientDet-φ0 step.
 */
export const SWISH_GRADIENT_KERNEL = 'AblateSwishGradient';

const swishGradientOnHeap: KernelFunc = ({ inputs, backend }) => {
  const heap = backend as unknown as HeapBackend;
  const simd = simdKernelsOn(backend) as SimdKernels;
  const { dy, x, s } = inputs as Record<'dy' | 'x' | 's', TensorInfo>;
  const dx = heap.makeOutput(dy.shape, 'float32');
  const [dyAt, xAt, sAt, dxAt] = [dy, x, s, dx].map((t) => heapAddress(heap, t)) as [number, number, number, number];
  simd.swishGradient(dyAt, xAt, sAt, dxAt, util.sizeFromShape(dy.shape));
  return dx;
};

export const swishGradientKernelConfig: KernelConfig = {
  kernelName: SWISH_GRADIENT_KERNEL,
  backendName: 'wasm',
  kernelFunc: swishGradientOnHeap,
};

/** Whether the fused gradient can run for these float32 tensors: wasm with the SIMD kernels loaded. */
export function prefersFusedSwishGradient(...tensors: tf.Tensor[]): boolean {
  return (
    tensors.every((t) => t.dtype === 'float32') &&
    tf.getKernel(SWISH_GRADIENT_KERNEL, tf.getBackend()) !== undefined &&
    simdKernelsOn(tf.backend()) !== null
  );
}

/** dy·s·(1 + x·(1 − s)), s = σ(x). Needs `prefersFusedSwishGradient`. */
export function fusedSwishGradient(dy: tf.Tensor, x: tf.Tensor, s: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(SWISH_GRADIENT_KERNEL, { dy, x, s }, {}) as tf.Tensor;
}
