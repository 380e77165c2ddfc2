import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { ADAM_UPDATE_KERNEL, adamUpdateConfig } from '../ops/adam-update';
import { batchNormKernelConfigs } from '../ops/fused-batch-norm';
import { activationGradientKernelConfigs, reluGradConfig } from '../ops/fused-activation-gradients';
import { meanGradConfig, sumGradConfig } from '../ops/reduction-gradients';
import { type ConvAttrs, type ConvGeometry, convGeometry } from './conv-geometry';
import { conv2dInputGradient } from './conv2d-gradients';
import { depthwiseFilterGradient, depthwiseInputGradient } from './depthwise-gradients';
import { conv2dFilterGradientGemm } from './filter-gradient-gemm';
import { maxPoolGradOnHeap, smallMatMulOnHeap, splitVOnHeap } from './heap-kernels';
import { type HeapBackend, heapAddress, sliceFromHeap } from './heap-slice';
import { channelSums } from './simd/blocked-sums';
import { leadingAxesReduction, reduceLeadingAxes } from './leading-axes-reduce';
import { unsortedSegmentSum } from './segment-sum';
import {
  conv2dFilterGradientOnHeap,
  conv2dInputGradientOnHeap,
  conv2dInputGradientGatherOnHeap,
  gathersInputGradient,
  depthwiseFilterGradientOnHeap,
  depthwiseInputGradientOnHeap,
} from './simd/conv-gradients-on-heap';
import { type SimdKernels, simdKernelsOn } from './simd/simd-kernels';
import { tileByBroadcast } from './tile';

/** The wasm backend's name in the tfjs kernel registry. */
export const WASM_BACKEND = 'wasm';

type Shape4 = [number, number, number, number];

/**
 * Kernels are handed TensorInfos (or Tensors, when called through an op); the composite kernels
 * below are written with tfjs ops, which need Tensors. A TensorInfo gets a Tensor view sharing
 * its data, with a reference of its own (the engine does not count one for a view): created
 * inside the caller's tidy, the view is disposed with it and the data stays its owner's.
 */
function asTensor<R extends tf.Rank>(info: TensorInfo): tf.Tensor<R> {
  if (info instanceof tf.Tensor) return info as tf.Tensor<R>;
  (tf.backend() as unknown as { incRef(dataId: object): void }).incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
}

/** A kernel function computed with tfjs ops; intermediates are freed, the result is returned. */
function composite(compute: (inputs: NamedTensorInfoMap, attrs: NamedAttrMap) => tf.Tensor): KernelFunc {
  return ({ inputs, attrs }) => tf.tidy(() => compute(inputs, attrs ?? {}));
}

/**
 * The backend's own kernels that this module replaces, kept for the cases the replacements do not
 * cover: Tile for bool and string, Identity, Slice and SplitV for strings (their bytes live outside
 * the heap), MaxPoolGrad for non-float inputs, BatchMatMul beyond one or two untransposed rows,
 * Sum and Mean over other axes.
 */
const originals = new Map<string, KernelFunc>();
const REPLACED_WITH_FALLBACK = ['Tile', 'Identity', 'Cast', 'Slice', 'SplitV', 'MaxPoolGrad', 'BatchMatMul', 'Sum', 'Mean'];
const original =
  (name: string): KernelFunc =>
  (args) =>
    originals.get(name)!(args);

/**
 * Identity (tensor.clone(), and every tensor a gradient tape saves) as a new reference to the same
 * heap buffer, like the cpu backend's and like the wasm Reshape: tensors are immutable, so no
 * kernel can tell the difference. The wasm Identity copies: 1,350 copies in a RetinaNet step, and
 * each saved filter a distinct tensor, which defeated the derived-filter and XNNPACK caches.
 */
const identityByReference: KernelFunc = (args) => {
  const x = args.inputs.x!;
  if (x.dtype === 'string') return original('Identity')(args);
  (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
};

/**
 * Cast to the tensor's own dtype as a reference, like Identity: tfjs's gradient of relu casts the
 * float32 step(x) to float32, and the wasm Cast copies (0.2 ms for [4, 64, 64, 32]). Numbers to bool
 * as x ≠ 0: the wasm Cast (tfjs 4.22) copies them into bytes, so that −1.5 became 255 and 2.75 became 2.
 * Other casts keep the backend's.
 */
const castByReference: KernelFunc = (args) => {
  const x = args.inputs.x!;
  const dtype = args.attrs!.dtype as unknown as TensorInfo['dtype'];
  if (x.dtype === dtype) return identityByReference(args);
  if (dtype !== 'bool' || x.dtype === 'string' || x.dtype === 'complex64') return original('Cast')(args);
  const backend = args.backend as unknown as HeapBackend;
  const out = backend.makeOutput(x.shape, 'bool');
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  for (let i = 0; i < from.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
  return out;
};

/**
 * BatchMatMul with a transposed operand as an explicit transpose, then the untransposed product:
 * the wasm backend hands only untransposed products to XNNPACK and runs the others as a scalar
 * loop, and every matMul's gradient has a transposed operand (a 2fc box head's fc1 on [512, 1568]:
 * weight gradient 168 ms, input gradient 137 ms, against 16 + 13 ms with the copies).
 */
function transposeThenMatMul(untransposed: KernelFunc): KernelFunc {
  const swapLastTwo = (t: tf.Tensor): tf.Tensor => {
    const perm = t.shape.map((_, d) => d);
    [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1]!, perm[t.rank - 2]!];
    return tf.transpose(t, perm);
  };
  const viaCopies = composite((inputs, attrs) => {
    const a = asTensor(inputs.a!);
    const b = asTensor(inputs.b!);
    return tf.matMul(attrs.transposeA ? swapLastTwo(a) : a, attrs.transposeB ? swapLastTwo(b) : b);
  });
  return (args) => {
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const { a, b } = args.inputs as Record<'a' | 'b', TensorInfo>;
    if ((transposeA || transposeB) && a.dtype === 'float32' && b.dtype === 'float32') return viaCopies(args);
    return untransposed(args);
  };
}

/**
 * Sum or Mean over every axis but the last (bias and batch-norm gradients): with the SIMD kernels and
 * a multiple of 4 channels, one pass of per-channel sums on the heap (`channelSums`; [4, 64, 64, 32]:
 * 0.31 ms as the pool, its scaling and reshapes); otherwise an average pool (leading-axes-reduce.ts).
 * Other reductions keep the backend's.
 */
function leadingAxesReduce(kind: 'sum' | 'mean', fallback: KernelFunc): KernelFunc {
  const viaPool = composite((inputs, attrs) => {
    const x = asTensor(inputs.x!);
    const r = leadingAxesReduction(x.shape, attrs.axis as number | number[])!;
    return reduceLeadingAxes(x, r.rows, r.channels, kind, attrs.keepDims as boolean);
  });
  return (args) => {
    const x = args.inputs.x!;
    const reduction = x.dtype === 'float32' ? leadingAxesReduction(x.shape, args.attrs!.axis as number | number[]) : null;
    if (reduction === null || reduction.rows <= 1) return fallback(args);
    const simd = simdKernelsOn(args.backend);
    if (simd === null || reduction.channels % 4 !== 0) return viaPool(args);
    const { rows, channels } = reduction;
    const backend = args.backend as unknown as HeapBackend;
    const out = backend.makeOutput(args.attrs!.keepDims ? x.shape.map((d, i) => (i === x.shape.length - 1 ? d : 1)) : [channels], 'float32');
    const sums = channelSums(backend, simd, heapAddress(backend, x), rows, channels);
    backend.typedArrayFromHeap(out).set(kind === 'sum' ? sums : sums.map((v) => v / rows));
    return out;
  };
}

/**
 * A filter-gradient kernel (inputs x, dy; attrs of the forward convolution and its filterShape):
 * the engine's SIMD kernels on the heap when they are loaded (simd/), for float32 and, depthwise,
 * a channel multiplier of 1; otherwise `composite`, built from XNNPACK's operators.
 */
function onHeapWhenSimd(
  onHeap: (backend: HeapBackend, simd: SimdKernels, x: TensorInfo, dy: TensorInfo, g: ConvGeometry) => TensorInfo,
  viaOps: (x: tf.Tensor4D, dy: tf.Tensor4D, g: ConvGeometry, multiplier: number) => tf.Tensor4D,
  depthwise: boolean,
): KernelFunc {
  const fallback = composite((inputs, attrs) => {
    const x = asTensor<tf.Rank.R4>(inputs.x!);
    const filterShape = attrs.filterShape as unknown as Shape4;
    const g = convGeometry(x.shape, filterShape, attrs as unknown as ConvAttrs, depthwise);
    return viaOps(x, asTensor<tf.Rank.R4>(inputs.dy!), g, filterShape[3]);
  });
  return (args) => {
    const { x, dy } = args.inputs as Record<'x' | 'dy', TensorInfo>;
    const filterShape = args.attrs!.filterShape as unknown as Shape4;
    const simd = simdKernelsOn(args.backend);
    const float = x.dtype === 'float32' && dy.dtype === 'float32';
    if (simd === null || !float || (depthwise && filterShape[3] !== 1)) return fallback(args);
    const g = convGeometry(x.shape, filterShape, args.attrs as unknown as ConvAttrs, depthwise);
    return onHeap(args.backend as unknown as HeapBackend, simd, x, dy, g);
  };
}

/** Bytes of one filter row's flipped taps (kw·O·C floats) above which the gather form loses to the scatter form. */
const GATHER_FILTER_ROW_BYTES = 64 * 1024;

/**
 * Which route computes a regular convolution's input gradient on the wasm backend, from CPU ms of one call,
 * alternating in one process (min of 30–40):
 * - 'gather' (`conv2dInputGradientGatherOnHeap`): stride 1, dilation 1, ≥ 8 input channels, maps of at least
 *   16×16 and a filter row of ≤ 64 KB. It beats XNNPACK's convolution ([4, 64, 64, 32] 3×3, the conv stack's:
 *   7.0–7.2 against 8.0–8.3 ms; [8, 32, 32, 16]: 0.93 against 1.10) and the scatter form ([8, 16, 16, 32]:
 *   0.85 against 0.93). Not: tiny maps, where the host's per-row work dominates ([8, 4, 4, 32]: 0.19 against
 *   0.08), and large filter rows, which leave L2 ([2, 16, 16, 128→128]: 5.2 against 4.4).
 * - 'scatter' (`conv2dInputGradientOnHeap`): ≥ 8 input channels and pointwise, strided or < 32×32 maps (conv
 *   stack's step 80.9 → 68.8 ms; EfficientDet's step −17 %; [8, 4, 4, 128] 3×3: 6 against 16 ms).
 * - 'xnnpack' otherwise: few input channels (a 7×7 RGB stem, 3 columns of scalar tiles: 56 against 10 ms;
 *   [4, 64, 64, 3←16]: 1.5 against 2.9 gathered) and 3×3 stride 1 on large maps with large filter rows.
 */
function inputGradientRoute(g: ConvGeometry, outChannels: number): 'gather' | 'scatter' | 'xnnpack' {
  if (g.inChannels < 8) return 'xnnpack';
  const filterRowBytes = g.filterWidth * g.inChannels * outChannels * 4;
  if (gathersInputGradient(g) && g.inHeight * g.inWidth >= 16 * 16 && filterRowBytes <= GATHER_FILTER_ROW_BYTES) return 'gather';
  const pointwise = g.filterHeight === 1 && g.filterWidth === 1;
  const strided = g.strideHeight > 1 || g.strideWidth > 1;
  return pointwise || strided || g.outHeight * g.outWidth < 32 * 32 ? 'scatter' : 'xnnpack';
}

/**
 * Conv2DBackpropInput (or, `depthwise`, DepthwiseConv2dNativeBackpropInput with channel multiplier 1) by the SIMD
 * kernels on the heap when they are loaded (float32) and, for regular convolutions, faster; else `fallback`.
 */
function inputGradientOnHeapWhenSimd(viaOps: (dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry) => tf.Tensor4D, depthwise: boolean): KernelFunc {
  const fallback = composite((inputs, attrs) => {
    const filter = asTensor<tf.Rank.R4>(inputs.filter!);
    const g = convGeometry(attrs.inputShape as unknown as Shape4, filter.shape, attrs as unknown as ConvAttrs, depthwise);
    return viaOps(asTensor<tf.Rank.R4>(inputs.dy!), filter, g);
  });
  return (args) => {
    const { dy, filter } = args.inputs as Record<'dy' | 'filter', TensorInfo>;
    const simd = simdKernelsOn(args.backend);
    if (simd === null || dy.dtype !== 'float32' || filter.dtype !== 'float32' || (depthwise && filter.shape[3] !== 1)) return fallback(args);
    const g = convGeometry(args.attrs!.inputShape as unknown as Shape4, filter.shape, args.attrs as unknown as ConvAttrs, depthwise);
    const backend = args.backend as unknown as HeapBackend;
    if (depthwise) return depthwiseInputGradientOnHeap(backend, simd, dy, filter, g);
    const route = inputGradientRoute(g, filter.shape[3]!);
    if (route === 'xnnpack') return fallback(args);
    let dx: TensorInfo | undefined;
    // A tidy returning nothing: dx is a TensorInfo for the engine, not a tensor for the tidy to keep.
    tf.tidy(() => {
      const w = asTensor<tf.Rank.R4>(filter);
      dx = route === 'gather' ? conv2dInputGradientGatherOnHeap(backend, simd, dy, w, g) : conv2dInputGradientOnHeap(backend, simd, dy, w, g);
    });
    return dx!;
  };
}

const kernels: Record<string, KernelFunc> = {
  Conv2DBackpropFilter: onHeapWhenSimd(
    (backend, simd, x, dy, g) => conv2dFilterGradientOnHeap(backend, simd, x, dy, g),
    (x, dy, g) => conv2dFilterGradientGemm(x, dy, g),
    false,
  ),
  Conv2DBackpropInput: inputGradientOnHeapWhenSimd((dy, filter, g) => conv2dInputGradient(dy, filter, g), false),
  DepthwiseConv2dNativeBackpropFilter: onHeapWhenSimd(
    (backend, simd, x, dy, g) => depthwiseFilterGradientOnHeap(backend, simd, x, dy, g),
    (x, dy, g, multiplier) => depthwiseFilterGradient(x, dy, g, multiplier),
    true,
  ),
  DepthwiseConv2dNativeBackpropInput: inputGradientOnHeapWhenSimd((dy, filter, g) => depthwiseInputGradient(dy, filter, g), true),
  Identity: identityByReference,
  Cast: castByReference,
  [ADAM_UPDATE_KERNEL]: adamUpdateConfig.kernelFunc,
  ...Object.fromEntries([...batchNormKernelConfigs, ...activationGradientKernelConfigs].map((k) => [k.kernelName, k.kernelFunc])),
  Slice: sliceFromHeap(original('Slice')),
  SplitV: splitVOnHeap(original('SplitV')),
  MaxPoolGrad: maxPoolGradOnHeap(original('MaxPoolGrad')),
  BatchMatMul: transposeThenMatMul(smallMatMulOnHeap(original('BatchMatMul'))),
  Sum: leadingAxesReduce('sum', original('Sum')),
  Mean: leadingAxesReduce('mean', original('Mean')),
  // Not a gradient kernel, but the batch-norm gradient runs it on every activation it normalises.
  Tile: (args) => {
    const x = args.inputs.x!;
    // Float and int only: Add has no bool or string kernel; those keep the backend's own Tile.
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return original('Tile')(args);
    return tf.tidy(() => tileByBroadcast(asTensor(x), args.attrs!.reps as unknown as number[]));
  },
  UnsortedSegmentSum: composite((inputs, attrs) =>
    unsortedSegmentSum(asTensor(inputs.x!), asTensor(inputs.segmentIds!), attrs.numSegments as number),
  ),
};

/** Names of the gradient kernels this module provides for the wasm backend. */
export const WASM_GRADIENT_KERNELS: readonly string[] = Object.keys(kernels);

/**
 * Registers the gradient kernels the wasm backend lacks (Conv2DBackpropFilter, the depthwise
 * backprops, UnsortedSegmentSum), built from its fast XNNPACK forward convolutions, and replaces
 * kernels that training runs slowly: the direct Conv2DBackpropInput, Tile, Identity, Cast to the
 * same dtype, Slice, SplitV, MaxPoolGrad, BatchMatMul (one or two rows on the host; transposed
 * operands copied first), and Sum and Mean over every axis but the last. Also registers, for every
 * backend, the gradients of Relu (`reluGradConfig`: the fused kernel on wasm, tfjs's formula
 * elsewhere), Sum and Mean (ops/reduction-gradients.ts).
 * Idempotent: returns the names of the kernels it (re)registered.
 */
export function registerWasmGradientKernels(): string[] {
  // Gradients for every backend: relu's through the fused kernel where it is registered, Sum's and Mean's without tf.ones.
  for (const config of [reluGradConfig, sumGradConfig, meanGradConfig]) tf.registerGradient(config);
  const done: string[] = [];
  for (const name of REPLACED_WITH_FALLBACK) {
    const own = tf.getKernel(name, WASM_BACKEND);
    if (!originals.has(name) && own && own.kernelFunc !== kernels[name]) originals.set(name, own.kernelFunc);
  }
  for (const [kernelName, kernelFunc] of Object.entries(kernels)) {
    if (tf.getKernel(kernelName, WASM_BACKEND)?.kernelFunc === kernelFunc) continue;
    // unregisterKernel throws when absent; the registry keeps one function per (name, backend).
    if (tf.getKernel(kernelName, WASM_BACKEND)) tf.unregisterKernel(kernelName, WASM_BACKEND);
    const config: KernelConfig = { kernelName, backendName: WASM_BACKEND, kernelFunc };
    tf.registerKernel(config);
    done.push(kernelName);
  }
  return done;
}
