/** A BullMQ Queue, FlowProducer or QueueEvents: what shutting one down needs. */
export interface BullClient {
  close(): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * Closes a BullMQ client, or forcibly disconnects it when closing takes longer than `ms`, and
 * returns within about 3·`ms` whatever Redis does (the pending close is left to the dropped connection). After a Redis outage a connection can sit in
 * ioredis' reconnecting state, where BullMQ's close() waits for an `end` event that never comes
 * (taskforcesh/bullmq#4656, #2430); an API that is shutting down must not wait for it.
 */
export async function closeOrDisconnect(bull: BullClient, ms = 5_000): Promise<'closed' | 'disconnected' | 'abandoned'> {
  const closing = bull.close().catch(() => undefined);
  if ((await settlesWithin(closing, ms)) === 'settled') return 'closed';
  const disconnecting = bull.disconnect().catch(() => undefined);
  return (await settlesWithin(disconnecting, 2 * ms)) === 'settled' ? 'disconnected' : 'abandoned';
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<'settled' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise.then(() => 'settled' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
