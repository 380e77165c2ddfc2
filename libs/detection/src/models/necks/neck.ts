import type * as tf from '@tensorflow/tfjs-core';

/**
 * A feature pyramid neck: backbone features by level → pyramid features P_l by level, each
 * `[B, ceil(S/2^l), ceil(S/2^l), channels]`, for exactly the levels it was built for.
 */
export interface Neck {
  readonly levels: readonly number[];
  readonly channels: number;
  apply(features: Map<number, tf.Tensor4D>, training: boolean): Map<number, tf.Tensor4D>;
}

/** The contiguous range lo..hi covering `levels` (a pyramid is built over it, then subset). */
export function levelRange(levels: readonly number[]): number[] {
  const lo = Math.min(...levels);
  const hi = Math.max(...levels);
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/** The spatial size `[H, W]` of an NHWC tensor. */
export function spatial(x: tf.Tensor4D): [number, number] {
  return [x.shape[1], x.shape[2]];
}
