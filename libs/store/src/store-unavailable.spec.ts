import { freeTcpPort, startThrowawayPostgres } from './testing/throwaway-servers';
import { isStoreUnavailable } from './errors';
import { openStore } from './store';

describe('isStoreUnavailable', () => {
  it('is true for the errors of a PostgreSQL that is down or restarting, false for a query that is wrong', async () => {
    const pg = await startThrowawayPostgres();
    try {
      const store = await openStore({ url: pg.url.replace(/\/postgres$/, '/ablate'), poolSize: 1 });
      const wrong = await store.dataSource.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
      expect(isStoreUnavailable(wrong)).toBe(false);
      await pg.stop();
      const down = await store.dataSource.query('SELECT 1').catch((e: unknown) => e);
      expect(down).toBeInstanceOf(Error);
      expect(isStoreUnavailable(down)).toBe(true);
      await pg.start();
      await store.ping(); // the pool reconnects by itself
      await store.close();
    } finally {
      await pg.dispose();
    }
    const refused = await openStore({ url: `postgres://postgres@127.0.0.1:${await freeTcpPort()}/x`, poolSize: 1 }).catch((e: unknown) => e);
    expect(isStoreUnavailable(refused)).toBe(true);
    expect(isStoreUnavailable(new Error('model.numClasses: is 3'))).toBe(false);
  }, 60_000);
});
