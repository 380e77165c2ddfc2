import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { databaseUrlFromEnv } from '../data-source';

export interface TemporaryDatabase {
  /** URL of the fresh, empty database. */
  url: string;
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

/**
 * Creates an empty database `<prefix>_<random>` on the server of `baseUrl` (default
 * DATABASE_URL or the local one) for one test file; drop it in `afterAll`.
 */
export async function createTemporaryDatabase(prefix = 'ablate_test', baseUrl = databaseUrlFromEnv()): Promise<TemporaryDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`.toLowerCase();
  const admin = new URL(baseUrl);
  admin.pathname = '/postgres';
  const run = async (sql: string, params: unknown[] = []) => {
    const ds = new DataSource({ type: 'postgres', url: admin.toString(), poolSize: 1 });
    await ds.initialize();
    try {
      await ds.query(sql, params);
    } finally {
      await ds.destroy();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
