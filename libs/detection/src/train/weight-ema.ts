import * as tf from '@tensorflow/tfjs-core';

/**
 * Exponential moving average of a model's variables, for evaluation (as timm's `ModelEmaV2`
 * and the EfficientDet reference implementation, which evaluates with EMA weights):
 *   ema ← d·ema + (1 − d)·w  after each step, with d = min(decay, (1 + n) / (10 + n))
 * for the n-th update, so early averages are not dominated by the random initialisation.
 * Covers every variable, batch-norm moving statistics included. Its tensors are named like the
 * model's variables and are owned by this object.
 */
export class WeightEma {
  readonly decay: number;
  /** Updates so far (n). */
  updates = 0;
  private readonly shadow = new Map<string, tf.Tensor>();

  constructor(decay: number, variables: Map<string, tf.Variable>) {
    this.decay = decay;
    for (const [name, v] of variables) this.shadow.set(name, tf.clone(v));
  }

  /** Moves the average one step towards the current `variables`. */
  update(variables: Map<string, tf.Variable>): void {
    const d = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    this.updates += 1;
    for (const [name, v] of variables) {
      const old = this.shadow.get(name);
      if (old === undefined) continue;
      this.shadow.set(name, tf.tidy(() => tf.add(tf.mul(old, d), tf.mul(v, 1 - d))));
      old.dispose();
    }
  }

  /** The averaged tensors by variable name (owned by the EMA: do not dispose). */
  weights(): Map<string, tf.Tensor> {
    return this.shadow;
  }

  /** Replaces the averages by copies of `weights` (from a checkpoint). */
  load(weights: Map<string, tf.Tensor>, updates: number): void {
    for (const [name, t] of weights) {
      this.shadow.get(name)?.dispose();
      this.shadow.set(name, tf.clone(t));
    }
    this.updates = updates;
  }

  /** Assigns the averages to `variables` (to evaluate with the EMA weights). */
  copyTo(variables: Map<string, tf.Variable>): void {
    for (const [name, v] of variables) {
      const avg = this.shadow.get(name);
      if (avg !== undefined) v.assign(avg);
    }
  }

  dispose(): void {
    for (const t of this.shadow.values()) t.dispose();
    this.shadow.clear();
  }
}
