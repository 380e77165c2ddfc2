import IORedis from 'ioredis';
import { Client } from 'pg';
import { startThrowawayPostgres, startThrowawayRedis } from './throwaway-servers';

describe('throw-away servers for fault tests', () => {
  it('a Redis with its append-only file keeps its keys across a restart; one without loses them', async () => {
    for (const appendOnly of [true, false]) {
      const server = await startThrowawayRedis({ appendOnly });
      try {
        const client = new IORedis(server.url, { maxRetriesPerRequest: null });
        client.on('error', () => undefined);
        await client.set('k', 'v');
        await server.stop();
        await server.start();
        expect(await client.get('k'), `appendOnly ${appendOnly}`).toBe(appendOnly ? 'v' : null);
        client.disconnect();
      } finally {
        await server.dispose();
      }
    }
  }, 60_000);

  it('a PostgreSQL cluster of its own keeps its rows across a restart', async () => {
    const server = await startThrowawayPostgres();
    try {
      const c1 = new Client({ connectionString: server.url });
      await c1.connect();
      await c1.query('CREATE TABLE t (x int); INSERT INTO t VALUES (42)');
      await c1.end();
      await server.stop();
      const refused = new Client({ connectionString: server.url });
      await expect(refused.connect()).rejects.toThrow();
      await server.start();
      const c2 = new Client({ connectionString: server.url });
      await c2.connect();
      expect((await c2.query('SELECT x FROM t')).rows).toEqual([{ x: 42 }]);
      await c2.end();
    } finally {
      await server.dispose();
    }
  }, 60_000);
});
