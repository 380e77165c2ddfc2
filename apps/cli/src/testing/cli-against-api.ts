import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { openStore, type Store } from '@ablate/store';
import { createTemporaryDatabase, dropRedisPrefix, type TemporaryDatabase } from '@ablate/store/testing';
import { portOrFree, spawnApp, waitForHttp, type ChildApp } from '../demo/child-apps';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** The real API in a process of its own over a throw-away database, for the CLI's specs. */
export interface CliTestApi {
  url: string;
  key: string;
  /** A store on the API's database, to set up and read what the CLI shows. */
  store: Store;
  /** `ablate …args --api <url> --key <key>` as a user runs it: the real binary; its exit code and output. */
  ablate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** A JSON request to the API with the key. */
  request<T>(method: string, route: string, body?: unknown): Promise<T>;
  dispose(): Promise<void>;
}

/** Starts the API (migrations run) on a free port over a new database and a Redis prefix of `label`'s own. */
export async function startCliTestApi(label: string): Promise<CliTestApi> {
  const key = `${label}-key`;
  const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
  const prefix = `ablate-test-${label}-${randomBytes(4).toString('hex')}`;
  const db: TemporaryDatabase = await createTemporaryDatabase(`ablate_${label.replace(/\W/g, '_')}`);
  const port = await portOrFree(0);
  const url = `http://127.0.0.1:${port}`;
  const api: ChildApp = spawnApp('api', 'api', { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: db.url, REDIS_URL: redisUrl, ABLATE_QUEUE_PREFIX: prefix, ABLATE_API_KEYS: key }, () => undefined);
  await waitForHttp(`${url}/health`, api);
  const store = await openStore({ url: db.url, poolSize: 2 });
  return {
    url,
    key,
    store,
    async ablate(...args) {
      try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bin/ablate.js'), ...args, '--api', url, '--key', key], { cwd: REPO_ROOT });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    },
    async request(method, route, body) {
      const res = await fetch(`${url}${route}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      return (await res.json()) as never;
    },
    async dispose() {
      await api.stop();
      await store.close();
      await db.drop();
      await dropRedisPrefix(redisUrl, prefix);
    },
  };
}
