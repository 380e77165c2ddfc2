import { type KernelFunc, type TensorInfo, slice_util, util } from '@tensorflow/tfjs-core';

/** The part of the wasm backend's API that kernels written on its heap use (public methods of BackendWasm). */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: TensorInfo['dtype']): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Byte address of a tensor's data on the wasm heap (what the engine's SIMD kernels take). */
export function heapAddress(backend: HeapBackend, info: TensorInfo): number {
  return backend.typedArrayFromHeap(info).byteOffset;
}

/**
 * Slice for the wasm backend that reads its input through a view of the heap. The backend's own
 * Slice (tfjs-backend-wasm 4.22) starts with `readSync`, a copy of the WHOLE input, before copying
 * the slice out of it: slicing 270 K floats out of a 1.1 M-float tensor took 2.5 ms instead of 0.1.
 * The gradients of this engine slice large tensors many times per step (filter-gradient taps).
 *
 * The copy runs over maximal contiguous runs: trailing axes taken whole merge into one run.
 */
export function sliceFromHeap(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.x!;
    if (x.dtype === 'string' || x.dtype === 'complex64' || x.shape.length === 0) return fallback(args);
    const backend = args.backend as unknown as HeapBackend;
    const attrs = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
    const [begin, size] = slice_util.parseSliceParams(x as never, attrs.begin, attrs.size);
    const out = backend.makeOutput(size, x.dtype);
    if (util.sizeFromShape(size) === 0) return out;
    // Views taken after makeOutput, which may grow (and so detach) the heap.
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    copyRuns(src, x.shape, begin, size, dst);
    return out;
  };
}

/** Runs shorter than this are copied element by element rather than with `TypedArray.set`. */
const SHORT_RUN = 64;

/** Copies the box `begin`/`size` of the row-major `src` of shape `shape` into `dst`, run by run. */
export function copyRuns(
  src: Float32Array | Int32Array | Uint8Array,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dst: Float32Array | Int32Array | Uint8Array,
): void {
  const rank = shape.length;
  const strides = util.computeStrides(shape as number[]);
  // Innermost axis `inner` such that every axis after it is taken whole: runs span axes inner…rank−1.
  let inner = rank - 1;
  while (inner > 0 && begin[inner] === 0 && size[inner] === shape[inner]) inner--;
  let run = 1;
  for (let a = inner; a < rank; a++) run *= size[a]!;
  let start = 0;
  for (let a = 0; a < rank; a++) start += begin[a]! * (a === rank - 1 ? 1 : strides[a]!);
  // An odometer over the outer axes 0…inner−1.
  const index = new Array<number>(inner).fill(0);
  let from = start;
  for (let to = 0; to < dst.length; to += run) {
    // A subarray + set costs ~0.5 µs whatever the length: short runs are copied by hand.
    if (run < SHORT_RUN) for (let k = 0; k < run; k++) dst[to + k] = src[from + k]!;
    else dst.set(src.subarray(from, from + run), to);
    let a = inner - 1;
    while (a >= 0) {
      index[a]!++;
      from += strides[a]!;
      if (index[a]! < size[a]!) break;
      from -= size[a]! * strides[a]!;
      index[a] = 0;
      a--;
    }
  }
}
