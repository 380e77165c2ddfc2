import * as tf from '@tensorflow/tfjs-core';

/*
 * A cache of filters derived from a weight tensor (flipped, channel-swapped, polyphase-combined)
 * for the input-gradient convolutions. Why: one weight tensor is often convolved several times
 * per step (a detector head shares its weights across the five pyramid levels), and each backward
 * convolution used to rebuild its derived filter on the host AND hand XNNPACK a new filter
 * tensor, which XNNPACK then re-packs (its operator cache is keyed by the filter tensor). Caching
 * the derived tensor by the source's data makes both happen once per weight per step.
 *
 * Entries live until their source's data is released (after an optimiser step the variables hold
 * new data); stale entries are dropped at the next lookup, so the cache holds at most one entry
 * per kind per live weight tensor.
 */

type DataId = object;

const cache = new Map<DataId, Map<string, tf.Tensor>>();

/** Whether the engine still holds `dataId` (tensorInfo entries are deleted on the last dispose). */
function isAlive(dataId: DataId): boolean {
  return tf.engine().state.tensorInfo.has(dataId);
}

function dropStale(): void {
  for (const [dataId, derived] of cache) {
    if (isAlive(dataId)) continue;
    for (const t of derived.values()) t.dispose();
    cache.delete(dataId);
  }
}

/**
 * The filter `derive(source)` of kind `kind` (a string naming the transform and its parameters),
 * computed once per source data. The returned tensor belongs to the cache: callers must not
 * dispose it (it is kept out of any enclosing tidy).
 */
export function derivedFilter<R extends tf.Rank>(source: tf.Tensor, kind: string, derive: () => tf.Tensor<R>): tf.Tensor<R> {
  dropStale();
  let derived = cache.get(source.dataId);
  if (derived === undefined) {
    derived = new Map();
    cache.set(source.dataId, derived);
  }
  const hit = derived.get(kind);
  if (hit !== undefined) return hit as tf.Tensor<R>;
  const made = derive();
  // A view sharing the source's data (a reshape) would keep that data alive forever: not cached.
  if (made.dataId === source.dataId) return made;
  derived.set(kind, tf.keep(made));
  return made;
}

/** Frees every cached filter (tests; a process switching backends). Returns how many were freed. */
export function clearDerivedFilters(): number {
  let freed = 0;
  for (const derived of cache.values()) {
    for (const t of derived.values()) {
      t.dispose();
      freed++;
    }
  }
  cache.clear();
  return freed;
}
