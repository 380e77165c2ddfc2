import { QueueEvents } from 'bullmq';
import { startThrowawayRedis, type ThrowawayRedis } from '@ablate/store/testing';
import { closeOrDisconnect, type BullClient } from './close-or-disconnect';

const never = () => new Promise<void>(() => undefined);

describe('closeOrDisconnect', () => {
  it('closes a client that closes, and disconnects one whose close never ends', async () => {
    const calls: string[] = [];
    const client = (close: () => Promise<void>, disconnect: () => Promise<void>): BullClient => ({
      close: () => (calls.push('close'), close()),
      disconnect: () => (calls.push('disconnect'), disconnect()),
    });
    expect(await closeOrDisconnect(client(async () => undefined, never), 50)).toBe('closed');
    expect(calls).toEqual(['close']);
    expect(await closeOrDisconnect(client(never, async () => undefined), 50)).toBe('disconnected');
    expect(calls).toEqual(['close', 'close', 'disconnect']);
    // Neither ends: it gives up instead of holding the shutdown.
    expect(await closeOrDisconnect(client(never, never), 50)).toBe('abandoned');
  });

  describe('against a Redis that went away', () => {
    let redis: ThrowawayRedis;
    beforeAll(async () => {
      redis = await startThrowawayRedis({ appendOnly: false });
    }, 60_000);
    afterAll(async () => {
      await redis.dispose();
    });

    it('returns for a QueueEvents whose connection is reconnecting to a stopped server', async () => {
      const events = new QueueEvents('train', { connection: { url: redis.url }, prefix: 'ablate-test-close' });
      events.on('error', () => undefined);
      await events.waitUntilReady();
      await redis.stop();
      expect(['closed', 'disconnected', 'abandoned']).toContain(await closeOrDisconnect(events, 500));
      await redis.start();
    }, 60_000);
  });
});
