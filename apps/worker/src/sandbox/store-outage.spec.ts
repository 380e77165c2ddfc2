import { openStore } from '@ablate/store';
import { freeTcpPort } from '@ablate/store/testing';
import { OutageBudgetExceededError, rideOutStoreOutages } from './store-outage';

/** A real "PostgreSQL is down" error: a connection refused by a port nothing listens on. */
async function refusedError(): Promise<unknown> {
  return openStore({ url: `postgres://postgres@127.0.0.1:${await freeTcpPort()}/x`, poolSize: 1 }).catch((e: unknown) => e);
}

describe('rideOutStoreOutages', () => {
  it('waits while the store is down, then runs the work again; other errors pass through at once', async () => {
    const down = await refusedError();
    let calls = 0;
    let pings = 0;
    const slept: number[] = [];
    const result = await rideOutStoreOutages(
      async () => {
        calls += 1;
        if (calls === 1) throw down;
        return 'resumed';
      },
      {
        budgetMs: 60_000,
        ping: async () => {
          pings += 1;
          if (pings < 3) throw down;
        },
        sleep: async (ms) => void slept.push(ms),
      },
    );
    expect([result, calls, pings]).toEqual(['resumed', 2, 3]);
    expect(slept).toEqual([250, 500, 1000]); // exponential backoff
    await expect(rideOutStoreOutages(async () => Promise.reject(new Error('bad dataset')), { budgetMs: 1000, ping: async () => {} })).rejects.toThrow('bad dataset');
  });

  it('fails with the budget named once the outage outlasts it', async () => {
    const down = await refusedError();
    const err = await rideOutStoreOutages(async () => Promise.reject(down), { budgetMs: 300, ping: () => Promise.reject(down) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutageBudgetExceededError);
    expect((err as Error).message).toMatch(/PostgreSQL unreachable for \d+ s, longer than the outage budget \(ABLATE_OUTAGE_BUDGET_MS\)/);
  });
});
