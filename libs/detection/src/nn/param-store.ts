import * as tf from '@tensorflow/tfjs-core';
import type { Initializer } from './init';

/** One registered variable. */
interface Entry {
  variable: tf.Variable;
  trainable: boolean;
}

let storeCounter = 0;

/** FNV-1a over the UTF-16 code units of `text`, mixed with `seed`: a stable 31-bit positive integer. */
export function hashSeed(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff;
}

/**
 * Owns the variables of one model under stable hierarchical names (`backbone.layer2.0.conv1.weight`),
 * which are the checkpoint keys. Initial values are drawn from `hashSeed(seed, name)`, so they are
 * a function of the seed and the name alone.
 *
 * tfjs itself requires globally unique variable names, so the tfjs `Variable.name` is
 * `m<store id>/<name>`; the maps returned here are keyed by the plain `<name>`.
 * `tf.variableGrads` keys its gradients by the tfjs name: map back with {@link ParamStore.trainable}.
 */
export class ParamStore {
  private readonly entries = new Map<string, Entry>();
  private readonly prefix = `m${storeCounter++}/`;

  /**
   * @param seed - seed of every initial value.
   * @param structureOnly - fill every variable with zeros instead of drawing it: the model has its
   *   full structure and parameter count but no useful weights (for inspecting large models fast).
   */
  constructor(
    readonly seed: number,
    readonly structureOnly = false,
  ) {}

  /** A scope writing names under `name.` (e.g. `store.scope('backbone')`). */
  scope(name: string): Scope {
    return new Scope(this, name);
  }

  /** Creates and registers a variable; throws if `name` already exists (a wiring bug). */
  create(name: string, shape: number[], init: Initializer, trainable = true): tf.Variable {
    if (this.entries.has(name)) throw new Error(`ParamStore: variable "${name}" defined twice`);
    const initial = this.structureOnly ? tf.zeros(shape) : init(shape, hashSeed(this.seed, name));
    const variable = tf.variable(initial, trainable, this.prefix + name);
    initial.dispose();
    this.entries.set(name, { variable, trainable });
    return variable;
  }

  /** Trainable variables by name, in creation order. */
  trainable(): Map<string, tf.Variable> {
    return this.select((e) => e.trainable);
  }

  /** Every variable by name (trainable and batch-norm moving statistics), in creation order. */
  all(): Map<string, tf.Variable> {
    return this.select(() => true);
  }

  /** Number of scalars in the trainable variables. */
  countTrainableParameters(): number {
    let n = 0;
    for (const v of this.trainable().values()) n += v.size;
    return n;
  }

  dispose(): void {
    for (const e of this.entries.values()) e.variable.dispose();
    this.entries.clear();
  }

  private select(keep: (e: Entry) => boolean): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [name, e] of this.entries) if (keep(e)) out.set(name, e.variable);
    return out;
  }
}

/** A name prefix within a {@link ParamStore}: layers receive a scope and name their variables relative to it. */
export class Scope {
  constructor(
    readonly store: ParamStore,
    readonly path: string,
  ) {}

  /** The child scope `path.name`. */
  child(name: string | number): Scope {
    return new Scope(this.store, this.path === '' ? String(name) : `${this.path}.${name}`);
  }

  /** Creates the variable `path.name`. */
  param(name: string, shape: number[], init: Initializer, trainable = true): tf.Variable {
    return this.store.create(this.path === '' ? name : `${this.path}.${name}`, shape, init, trainable);
  }
}
