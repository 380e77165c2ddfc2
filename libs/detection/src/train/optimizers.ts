import * as tf from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../config';
import { fusedAdamUpdate, prefersFusedAdamUpdate } from '@ablate/engine';

/** Adam's moment decays and ε: the defaults of Kingma & Ba 2015 (Algorithm 1), as in PyTorch. */
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

export type OptimizerKind = TrainConfig['optimizer'];

/** What an optimiser needs to know beyond the learning rate, which the schedule passes per step. */
export interface OptimizerOptions {
  kind: OptimizerKind;
  /** SGD momentum μ (PyTorch form: v ← μ·v + g; p ← p − lr·v). Ignored by Adam/AdamW. @defaultValue 0.9 */
  momentum?: number;
  /**
   * Weight decay λ. SGD and Adam add λ·p to the gradient (L2); AdamW decays the weights directly,
   * p ← p − lr·λ·p, decoupled from the adaptive step (Loshchilov & Hutter 2019).
   * Applied only to variables of rank ≥ 2 (convolution kernels): biases, batch/group-norm γ and β
   * and BiFPN fusion weights are rank 1 and are not decayed, as detectron2 (`WEIGHT_DECAY_NORM = 0`)
   * and timm (`param.ndim <= 1`) do. @defaultValue 0
   */
  weightDecay?: number;
}

/**
 * An optimiser written on raw tf ops so that its whole state is plain named tensors
 * (`<slot>/<variable name>`) plus a step count: a checkpoint stores and restores it exactly.
 */
export class Optimizer {
  readonly kind: OptimizerKind;
  readonly momentum: number;
  readonly weightDecay: number;
  /** Updates applied so far (Adam's bias-correction exponent t). */
  stepCount = 0;
  private readonly slots = new Map<string, tf.Tensor>();

  constructor(options: OptimizerOptions) {
    this.kind = options.kind;
    this.momentum = options.momentum ?? 0.9;
    this.weightDecay = options.weightDecay ?? 0;
  }

  /** Whether `variable` is weight-decayed (rank ≥ 2: kernels; see OptimizerOptions.weightDecay). */
  static decays(variable: tf.Tensor): boolean {
    return variable.rank >= 2;
  }

  /**
   * One update of every variable that has a gradient. `grads` are by variable name and stay
   * owned by the caller; the variables are assigned in place.
   */
  apply(variables: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number): void {
    this.stepCount += 1;
    for (const [name, variable] of variables) {
      const grad = grads.get(name);
      if (grad === undefined) continue;
      const decay = Optimizer.decays(variable) ? this.weightDecay : 0;
      if (this.kind === 'sgd') this.sgd(name, variable, grad, lr, decay);
      else this.adam(name, variable, grad, lr, decay);
    }
  }

  private sgd(name: string, p: tf.Variable, grad: tf.Tensor, lr: number, decay: number): void {
    const key = `momentum/${name}`;
    const previous = this.slots.get(key);
    const velocity = tf.tidy(() => {
      const g = decay > 0 ? tf.add(grad, tf.mul(p, decay)) : grad;
      return previous === undefined || this.momentum === 0 ? tf.clone(g) : tf.add(tf.mul(previous, this.momentum), g);
    });
    tf.tidy(() => p.assign(tf.sub(p, tf.mul(velocity, lr))));
    this.replace(key, velocity);
  }

  private adam(name: string, p: tf.Variable, grad: tf.Tensor, lr: number, decay: number): void {
    const mKey = `m/${name}`;
    const vKey = `v/${name}`;
    const decoupled = this.kind === 'adamw';
    if (prefersFusedAdamUpdate(p) && grad.dtype === 'float32') {
      this.adamFused(name, p, grad, lr, decay);
      return;
    }
    const [m, v] = tf.tidy(() => {
      const g = !decoupled && decay > 0 ? tf.add(grad, tf.mul(p, decay)) : grad;
      const m0 = this.slots.get(mKey) ?? tf.zerosLike(g);
      const v0 = this.slots.get(vKey) ?? tf.zerosLike(g);
      return [
        tf.add(tf.mul(m0, ADAM_BETA1), tf.mul(g, 1 - ADAM_BETA1)),
        tf.add(tf.mul(v0, ADAM_BETA2), tf.mul(tf.square(g), 1 - ADAM_BETA2)),
      ];
    });
    const c1 = 1 - ADAM_BETA1 ** this.stepCount;
    const c2 = 1 - ADAM_BETA2 ** this.stepCount;
    tf.tidy(() => {
      const base = decoupled && decay > 0 ? tf.mul(p, 1 - lr * decay) : p;
      // lr·(m/c1)/(√(v/c2) + ε) = (lr·√c2/c1)·m/(√v + ε·√c2): two full passes fewer than written out.
      const root = Math.sqrt(c2);
      const update = tf.div(m, tf.add(tf.sqrt(v), ADAM_EPSILON * root));
      p.assign(tf.sub(base, tf.mul(update, (lr * root) / c1)));
    });
    this.replace(mKey, m);
    this.replace(vKey, v);
  }

  /** The same update as `adam`, as one kernel per variable (the wasm backend: engine/ops/adam-update.ts). */
  private adamFused(name: string, p: tf.Variable, grad: tf.Tensor, lr: number, decay: number): void {
    const mKey = `m/${name}`;
    const vKey = `v/${name}`;
    const fresh: tf.Tensor[] = [];
    const state = (key: string) => this.slots.get(key) ?? fresh[fresh.push(tf.zerosLike(grad)) - 1]!;
    const [p1, m, v] = fusedAdamUpdate(p, grad, state(mKey), state(vKey), {
      lr,
      beta1: ADAM_BETA1,
      beta2: ADAM_BETA2,
      epsilon: ADAM_EPSILON,
      correction1: 1 - ADAM_BETA1 ** this.stepCount,
      correction2: 1 - ADAM_BETA2 ** this.stepCount,
      decay,
      decoupled: this.kind === 'adamw',
    });
    tf.dispose(fresh);
    p.assign(p1);
    p1.dispose();
    this.replace(mKey, m);
    this.replace(vKey, v);
  }

  private replace(key: string, value: tf.Tensor): void {
    this.slots.get(key)?.dispose();
    this.slots.set(key, value);
  }

  /** The state tensors by slot name (owned by the optimiser: do not dispose). */
  state(): Map<string, tf.Tensor> {
    return this.slots;
  }

  /** Replaces the state by copies of `slots` (e.g. from a checkpoint) and the step count. */
  load(slots: Map<string, tf.Tensor>, stepCount: number): void {
    this.dispose();
    for (const [k, t] of slots) this.slots.set(k, tf.clone(t));
    this.stepCount = stepCount;
  }

  dispose(): void {
    for (const t of this.slots.values()) t.dispose();
    this.slots.clear();
  }
}

/** The optimiser a TrainConfig asks for. */
export function createOptimizer(train: Pick<TrainConfig, 'optimizer' | 'momentum' | 'weightDecay'>): Optimizer {
  return new Optimizer({ kind: train.optimizer, momentum: train.momentum, weightDecay: train.weightDecay });
}
