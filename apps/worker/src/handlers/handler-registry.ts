import type { QueueName } from '../glue/jobs.glue';
import type { QueueHandler } from './queue-handler';

/** The worker's handlers do not cover the job contract exactly once; the worker refuses to start. */
export class HandlerRegistryError extends Error {
  constructor(
    readonly missing: string[],
    readonly doubled: string[],
    readonly unknown: string[],
  ) {
    const parts = [
      missing.length > 0 ? `no handler for queue(s) ${missing.join(', ')}` : '',
      doubled.length > 0 ? `more than one handler for queue(s) ${doubled.join(', ')}` : '',
      unknown.length > 0 ? `handler(s) for unknown queue(s) ${unknown.join(', ')}` : '',
    ].filter((p) => p !== '');
    super(`worker refuses to start: ${parts.join('; ')}`);
    this.name = 'HandlerRegistryError';
  }
}

/**
 * Maps every queue of the contract to its one handler.
 * @throws HandlerRegistryError naming each queue with no handler, with two or more, and each
 *   handler whose queue is not in the contract.
 */
export function resolveHandlers(handlers: readonly QueueHandler[], queues: readonly QueueName[]): Map<QueueName, QueueHandler> {
  const byQueue = new Map<string, QueueHandler[]>();
  for (const handler of handlers) byQueue.set(handler.queue, [...(byQueue.get(handler.queue) ?? []), handler]);
  const known = new Set<string>(queues);
  const missing = queues.filter((q) => !byQueue.has(q));
  const doubled = [...byQueue].filter(([, hs]) => hs.length > 1).map(([q]) => q);
  const unknown = [...byQueue.keys()].filter((q) => !known.has(q));
  if (missing.length + doubled.length + unknown.length > 0) throw new HandlerRegistryError(missing, doubled, unknown);
  return new Map(queues.map((q) => [q, byQueue.get(q)![0]]));
}
