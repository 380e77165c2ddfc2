/**
 * Yields `produce(i)` for i = from … to−1 in order, keeping up to `depth` items in production
 * ahead of the consumer: while the consumer works on item i, items i+1 … i+depth are being
 * decoded (sharp, on libuv's thread pool) and assembled. At most depth + 1 items are alive, so
 * memory is bounded. The order and content never depend on `depth` (each item is a function of i).
 * A failure surfaces when its item is reached, not earlier.
 */
export async function* prefetch<T>(from: number, to: number, depth: number, produce: (i: number) => Promise<T>): AsyncGenerator<T> {
  const pending: Promise<T>[] = [];
  let next = from;
  const start = (): void => {
    const p = produce(next++);
    // Not awaited yet: keep a handled copy so an early failure is not an unhandled rejection.
    p.catch(() => undefined);
    pending.push(p);
  };
  while (next < to || pending.length > 0) {
    if (pending.length === 0) start();
    const current = pending.shift() as Promise<T>;
    // The items after this one start now, so they progress while this one is awaited and consumed.
    while (pending.length < depth && next < to) start();
    yield await current;
  }
}
