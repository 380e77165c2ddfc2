import * as tf from '@tensorflow/tfjs-core';

/*
 * A cache of filters derived from a weight tensor (flipped, channel-swapped, polyphase-combined)
 * for the input-gradient convolutions. Why: one weight tensor is often convolved several times
 * per step (a detector head shares its weights across the five pyramid levels), and each backward
 * convolution used to rebuild its derived filter on the host AND hand XNNPACK a new filter
 * tensor, which XNNPACK then re-packs (its operator cache is keyed by the filter tensor). Caching
 * the derived tensor by the source's data makes both happen once per weight per backward pass.
 *
 * Lifetime: one backward pass. A derived filter is handed to the engine's 'backward' scope (the
 * tidy around `tf.grads` / `tf.variableGrads`), so the engine frees it with the pass's other
 * intermediates: nothing outlives the gradient computation, and `tf.memory().numTensors` after a
 * step is what it was before. Outside a backward pass (a kernel called directly) nothing is cached.
 */

type DataId = object;

/** tfjs's scope record (engine internals: `ScopeState` is not exported). */
interface EngineScope {
  id: number;
  name: string;
  track: tf.Tensor[];
}

interface EngineScopeState {
  scopeStack: EngineScope[];
  activeScope: EngineScope | null;
}

let cachedScopeId = -1;
let cache = new Map<DataId, Map<string, tf.Tensor>>();

function scopeState(): EngineScopeState {
  return tf.engine().state as unknown as EngineScopeState;
}

/** The innermost scope of a running backward pass, if any. */
function backwardScope(): EngineScope | undefined {
  const stack = scopeState().scopeStack;
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.name === 'backward') return stack[i];
  return undefined;
}

/** Moves `t` from the innermost scope to `owner`, so that `owner`'s end disposes it. */
function handTo(owner: EngineScope, t: tf.Tensor): void {
  const active = scopeState().activeScope;
  if (active === null || active === owner) return;
  const at = active.track.indexOf(t);
  if (at >= 0) active.track.splice(at, 1);
  owner.track.push(t);
}

/** The cache of the backward pass `scope`; a new pass starts empty (the last one freed its entries). */
function cacheOf(scope: EngineScope): Map<DataId, Map<string, tf.Tensor>> {
  if (scope.id !== cachedScopeId) {
    cachedScopeId = scope.id;
    cache = new Map();
  }
  return cache;
}

/**
 * The filter `derive(source)` of kind `kind` (a string naming the transform and its parameters),
 * computed once per source data within one backward pass. Callers must not dispose it: inside a
 * backward pass it belongs to that pass; outside one it is tracked by the caller's tidy.
 */
export function derivedFilter<R extends tf.Rank>(source: tf.Tensor, kind: string, derive: () => tf.Tensor<R>): tf.Tensor<R> {
  const scope = backwardScope();
  if (scope === undefined) return derive();
  const entries = cacheOf(scope);
  let derived = entries.get(source.dataId);
  if (derived === undefined) {
    derived = new Map();
    entries.set(source.dataId, derived);
  }
  const hit = derived.get(kind);
  if (hit !== undefined && !hit.isDisposed) return hit as tf.Tensor<R>;
  const made = derive();
  // A view sharing the source's data (a reshape) costs nothing to rebuild: not cached.
  if (made.dataId === source.dataId) return made;
  handTo(scope, made);
  derived.set(kind, made);
  return made;
}
