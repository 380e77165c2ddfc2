import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * One Adam / AdamW update of one variable as a single kernel. Why: written with tf ops, the
 * update is ~12 kernels per variable, each a full pass over the weights plus tfjs's per-op
 * bookkeeping: for RetinaNet's 20 M weights ~0.4 s a step, for EfficientDet's ~210 small
 * variables ~2,500 kernel calls. Here one pass reads p, g, m, v and writes p', m', v'.
 *
 * Registered for the wasm backend only (it works on the heap); other backends keep the tf-ops
 * form (train/optimizers.ts asks `prefersFusedAdamUpdate()`).
 *
 * The loop is scalar JavaScript, ~13–16 ns an element on this machine, about what the ~12 SIMD
 * wasm passes of the tf-ops form cost per element; what it saves is their ~12 kernel calls of
 * bookkeeping (~15 µs each) per variable. So it is used for small variables only: on a 424-variable
 * EfficientDet-φ0 the update takes 72 ms instead of 125, on RetinaNet's large kernels it would lose.
 */
export const ADAM_UPDATE_KERNEL = 'AblateAdamUpdate';

export interface AdamUpdateAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Bias corrections 1 − β1^t and 1 − β2^t. */
  correction1: number;
  correction2: number;
  /** Weight decay λ (0: none). */
  decay: number;
  /** AdamW (decay the weights directly) rather than L2 (add λ·p to the gradient). */
  decoupled: boolean;
}

/** The wasm backend's public methods this kernel uses. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

/**
 * p' = (decoupled ? p·(1 − lr·λ) : p) − lr · (m'/c1) / (√(v'/c2) + ε), with
 * m' = β1·m + (1 − β1)·g̃, v' = β2·v + (1 − β2)·g̃², g̃ = g + λ·p under L2 (else g).
 */
const adamUpdateOnHeap: KernelFunc = ({ inputs, backend, attrs }) => {
  const heap = backend as unknown as HeapBackend;
  const a = attrs as unknown as AdamUpdateAttrs;
  const { p, g, m, v } = inputs as Record<'p' | 'g' | 'm' | 'v', TensorInfo>;
  for (const t of [p, g, m, v]) {
    if (t.dtype !== 'float32') throw new TypeError(`${ADAM_UPDATE_KERNEL}: float32 tensors only, got ${t.dtype}`);
  }
  const outP = heap.makeOutput(p.shape, 'float32');
  const outM = heap.makeOutput(p.shape, 'float32');
  const outV = heap.makeOutput(p.shape, 'float32');
  // Views after every allocation: makeOutput may grow (and so detach) the heap.
  const [P, G, M, V] = [p, g, m, v].map((t) => heap.typedArrayFromHeap(t)) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const [P1, M1, V1] = [outP, outM, outV].map((t) => heap.typedArrayFromHeap(t)) as [Float32Array, Float32Array, Float32Array];
  updateArrays(P, G, M, V, P1, M1, V1, a);
  return [outP, outM, outV];
};

/** The element loop, with every attribute in a local: V8 then keeps it to straight float arithmetic. */
function updateArrays(
  P: Float32Array,
  G: Float32Array,
  M: Float32Array,
  V: Float32Array,
  P1: Float32Array,
  M1: Float32Array,
  V1: Float32Array,
  a: AdamUpdateAttrs,
): void {
  const l2 = a.decoupled ? 0 : a.decay;
  const shrink = a.decoupled ? 1 - a.lr * a.decay : 1;
  const beta1 = a.beta1;
  const beta2 = a.beta2;
  const oneMinusB1 = 1 - beta1;
  const oneMinusB2 = 1 - beta2;
  const stepSize = a.lr / a.correction1;
  const invC2 = 1 / a.correction2;
  const epsilon = a.epsilon;
  const n = P.length;
  for (let i = 0; i < n; i++) {
    const w = P[i]!;
    const grad = G[i]! + l2 * w;
    const mi = beta1 * M[i]! + oneMinusB1 * grad;
    const vi = beta2 * V[i]! + oneMinusB2 * grad * grad;
    M1[i] = mi;
    V1[i] = vi;
    P1[i] = w * shrink - (stepSize * mi) / (Math.sqrt(vi * invC2) + epsilon);
  }
}

export const adamUpdateConfig: KernelConfig = {
  kernelName: ADAM_UPDATE_KERNEL,
  backendName: 'wasm',
  kernelFunc: adamUpdateOnHeap,
};

/** Above this many elements the tf-ops update is as fast per element and the fused one is not used. */
export const FUSED_ADAM_MAX_ELEMENTS = 1 << 16;

/** Whether the current backend has the fused update (the wasm backend, once the engine registered it). */
export function hasFusedAdamUpdate(): boolean {
  return tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend()) !== undefined;
}

/** Whether to update `variable` with the fused kernel: available, float32, and small (see above). */
export function prefersFusedAdamUpdate(variable: tf.Tensor): boolean {
  return variable.dtype === 'float32' && variable.size <= FUSED_ADAM_MAX_ELEMENTS && hasFusedAdamUpdate();
}

/** p', m', v' for one variable (new tensors; the inputs are left alone). Needs `hasFusedAdamUpdate()`. */
export function fusedAdamUpdate(
  p: tf.Tensor,
  g: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  attrs: AdamUpdateAttrs,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const out = tf.engine().runKernel(ADAM_UPDATE_KERNEL, { p, g, m, v }, attrs as unknown as tf.NamedAttrMap);
  return out as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
