import type * as tf from '@tensorflow/tfjs-core';

/**
 * A backbone: image → features at strides 2^l. `levels` lists the l it returns (ResNet 2..5,
 * EfficientNet 1..5); level 3, 4, 5 are C3, C4, C5 of FPN/RetinaNet.
 */
export interface Backbone {
  /** E.g. 'resnet50', 'efficientnet-b3'. */
  readonly name: string;
  /** Levels returned by `apply`, ascending. */
  readonly levels: readonly number[];
  /** Channels of the feature at level l. */
  readonly channels: ReadonlyMap<number, number>;
  /**
   * `[B, S, S, 3]` → level l ↦ `[B, ceil(S/2^l), ceil(S/2^l), channels(l)]`.
   * `training` selects batch statistics in batch norm (and updates the moving ones).
   */
  apply(images: tf.Tensor4D, training: boolean): Map<number, tf.Tensor4D>;
}

/** The largest level a backbone returns (5 for both families): higher pyramid levels are built by the neck. */
export const BACKBONE_TOP_LEVEL = 5;
