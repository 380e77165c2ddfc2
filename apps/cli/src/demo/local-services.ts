import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Client } from 'pg';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** Starts the local PostgreSQL and Redis if they are installed but down (scripts/services.sh). */
export function ensureLocalServices(): void {
  const res = spawnSync('bash', [path.join(REPO_ROOT, 'scripts/services.sh')], { stdio: 'inherit' });
  if (res.status !== 0) throw new Error('PostgreSQL and Redis must run on localhost (scripts/services.sh could not start them)');
}

/** Creates the database named in `databaseUrl` if it does not exist (connecting to `postgres`). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new Error(`DATABASE_URL: unusable database name '${name}'`);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  } finally {
    await client.end();
  }
}
