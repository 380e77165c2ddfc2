import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { QUEUE_NAMES } from '@ablate/jobs';

/** Local servers of the end-to-end tests (real ones: scripts/services.sh starts them for `npm test`). */
export const E2E_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const ADMIN_DATABASE_URL = (process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/ablate').replace(/\/[^/?]*(\?|$)/, '/postgres$1');

/** A database and a queue prefix of one test file's own, and the environment that points processes at them. */
export interface E2eEnv {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  /** REDIS_URL, DATABASE_URL, ABLATE_QUEUE_PREFIX for spawned apps. */
  env: Record<string, string>;
  /** Drops the database and obliterates the queues. */
  dispose(): Promise<void>;
}

async function admin<T>(fn: (c: Client) => Promise<T>, adminUrl = ADMIN_DATABASE_URL): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh database `ablate_e2e_<label>_<random>` and a unique BullMQ prefix, on the shared
 * Redis and PostgreSQL unless `redisUrl` / `adminUrl` name others (a fault test's throw-away servers).
 */
export async function createE2eEnv(label: string, redisUrl: string = E2E_REDIS_URL, adminUrl: string = ADMIN_DATABASE_URL): Promise<E2eEnv> {
  const suffix = `${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const dbName = `ablate_e2e_${suffix}`;
  await admin((c) => c.query(`CREATE DATABASE "${dbName}"`), adminUrl);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  const prefix = `e2e-${suffix}`;
  return {
    databaseUrl,
    redisUrl,
    prefix,
    env: { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, ABLATE_QUEUE_PREFIX: prefix },
    dispose: async () => {
      for (const name of QUEUE_NAMES) {
        const queue = new Queue(name, { connection: { url: redisUrl }, prefix });
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`), adminUrl).catch(() => undefined);
    },
  };
}

/** Runs one query against the test database (assertions read the store's tables directly). */
export async function queryDb<T = Record<string, unknown>>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
