import * as tf from '@tensorflow/tfjs-core';
import { GROUP_NORM_GROUPS } from '../config';
import { batchNormTraining } from './batch-norm-training';
import { ones, zeros, type Initializer } from './init';
import type { Scope } from './param-store';

/** Normalisation choices of the necks and heads (`config.model.norm`). */
export type NormKind = 'batch' | 'group' | 'none';

/** A normalisation layer on NHWC tensors. */
export interface Norm {
  /** `[B, H, W, C]` → same shape. `training` selects batch statistics (batch norm only). */
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D;
}

/** Options of {@link BatchNorm}. */
export interface BatchNormOptions {
  /**
   * Weight of the new batch statistic in the moving averages (PyTorch's convention):
   * `moving = (1 − momentum)·moving + momentum·batch`. @defaultValue 0.1
   */
  momentum?: number;
  /** Added to the variance. @defaultValue 1e-5 (1e-3 in EfficientNet/EfficientDet) */
  epsilon?: number;
  /** Initial γ. @defaultValue ones (zeros for the last BN of a residual branch, see ResNet) */
  gammaInit?: Initializer;
}

/**
 * Batch normalisation (Ioffe & Szegedy 2015) over axes B, H, W.
 * Variables: `weight` γ and `bias` β (trainable), `running_mean` and `running_var` (not trainable).
 *
 * In training mode the layer normalises with the batch's statistics and updates its moving ones
 * by `Variable.assign` as a side effect of `apply`. The assigned value hangs off the gradient tape
 * but no loss depends on it, so `tf.variableGrads` is unaffected; the moving statistics are not
 * trainable, so they are not in its variable list either. The update happens on every training-mode
 * call: call `apply(x, true)` exactly once per optimisation step (inside `tf.variableGrads`), and use
 * `apply(x, false)` for anything else (evaluation, logging).
 */
export class BatchNorm implements Norm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly movingMean: tf.Variable;
  readonly movingVar: tf.Variable;
  readonly momentum: number;
  readonly epsilon: number;

  constructor(scope: Scope, channels: number, options: BatchNormOptions = {}) {
    this.momentum = options.momentum ?? 0.1;
    this.epsilon = options.epsilon ?? 1e-5;
    this.gamma = scope.param('weight', [channels], options.gammaInit ?? ones);
    this.beta = scope.param('bias', [channels], zeros);
    this.movingMean = scope.param('running_mean', [channels], zeros, false);
    this.movingVar = scope.param('running_var', [channels], ones, false);
  }

  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    if (!training) {
      return tf.batchNorm4d(x, this.movingMean as tf.Tensor1D, this.movingVar as tf.Tensor1D, this.beta as tf.Tensor1D, this.gamma as tf.Tensor1D, this.epsilon);
    }
    const moving = { mean: this.movingMean as tf.Tensor1D, variance: this.movingVar as tf.Tensor1D, momentum: this.momentum };
    const { y, mean, variance, moved } = batchNormTraining(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D, this.epsilon, moving);
    this.movingMean.assign(moved!.mean);
    this.movingVar.assign(moved!.variance);
    tf.dispose([mean, variance, moved!.mean, moved!.variance]);
    return y;
  }

  /**
   * The inference-mode transform as y = scale ⊙ x + shift, `[C]` each: scale = γ/√(σ²_moving + ε),
   * shift = β − μ_moving·scale. Lets a preceding convolution absorb the batch norm.
   */
  foldedAffine(): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
    return tf.tidy(() => {
      const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(this.movingVar, this.epsilon))) as tf.Tensor1D;
      const shift = tf.sub(this.beta, tf.mul(this.movingMean, scale)) as tf.Tensor1D;
      return { scale, shift };
    });
  }
}

/**
 * Groups for `channels`: GROUP_NORM_GROUPS (32, Group Normalization §3.1) when it divides
 * `channels`, else the largest divisor of `channels` below 32 (e.g. 88 → 22, 16 → 16; the
 * paper's Table 3 shows accuracy is flat for 8–32 groups), so that narrow CPU-sized nets work.
 */
export function groupNormGroups(channels: number, preferred = GROUP_NORM_GROUPS): number {
  for (let g = Math.min(preferred, channels); g > 1; g--) if (channels % g === 0) return g;
  return 1;
}

/**
 * Group normalisation (Wu & He 2018): statistics per sample over H, W and C/G channels of each
 * group; no batch dependence, so training and inference are the same. Variables: `weight`, `bias`.
 *
 * A group of fewer than 3 values (a 1×1 map, as P7 of a small input, with C/G ≤ 2) normalises to
 * constants (0, or ±1), so nothing before it gets a gradient through that level: keep
 * H·W·C/G ≥ 3.
 */
export class GroupNorm implements Norm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  readonly groups: number;

  constructor(
    scope: Scope,
    readonly channels: number,
    readonly epsilon = 1e-5,
  ) {
    this.groups = groupNormGroups(channels);
    this.gamma = scope.param('weight', [channels], ones);
    this.beta = scope.param('bias', [channels], zeros);
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [b, h, w, c] = x.shape;
    const grouped = tf.reshape(x, [b, h, w, this.groups, c / this.groups]);
    const { mean, variance } = tf.moments(grouped, [1, 2, 4], true);
    const normed = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
    return tf.add(tf.mul(tf.reshape(normed, [b, h, w, c]), this.gamma), this.beta);
  }
}

/** No normalisation: the identity. */
export class NoNorm implements Norm {
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return x;
  }
}

/** A normalisation of `kind` with its variables under `scope`. */
export function createNorm(kind: NormKind, scope: Scope, channels: number, bn: BatchNormOptions = {}): Norm {
  switch (kind) {
    case 'batch':
      return new BatchNorm(scope, channels, bn);
    case 'group':
      return new GroupNorm(scope, channels);
    case 'none':
      return new NoNorm();
  }
}

/** True when convolutions followed by this norm need no bias of their own (batch and group norm have β). */
export function normHasBias(kind: NormKind): boolean {
  return kind !== 'none';
}
