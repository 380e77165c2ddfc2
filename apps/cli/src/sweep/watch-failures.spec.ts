import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { openStore, type Store } from '@ablate/store';
import { createTemporaryDatabase, dropRedisPrefix, type TemporaryDatabase } from '@ablate/store/testing';
import { portOrFree, spawnApp, waitForHttp, type ChildApp } from '../demo/child-apps';

const KEY = 'watch-test-key';
const REPO_ROOT = path.resolve(__dirname, '../../../..');
const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const prefix = `ablate-test-watch-${randomBytes(4).toString('hex')}`;

let db: TemporaryDatabase;
let api: ChildApp;
let apiUrl: string;
let store: Store;

/** `ablate sweep watch <id>` as a user runs it: the real binary against the real API. */
async function watch(id: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bin/ablate.js'), 'sweep', 'watch', id, '--api', apiUrl, '--key', KEY], {
      cwd: REPO_ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function submit(name: string, gammas: number[]): Promise<{ id: string; runs: { id: string }[] }> {
  const res = await fetch(`${apiUrl}/sweeps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      dataset: { train: 'synthetic:shapes?images=8&size=32', val: 'synthetic:shapes?images=4&size=32&split=val' },
      base: { model: { inputSize: 32, numClasses: 7 }, train: { steps: 5 } },
      grid: { gamma: gammas },
    }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; runs: { id: string }[] };
}

/** Ends a run as a worker would, through the store (no worker consumes this test's queue prefix). */
async function end(runId: string, status: 'completed' | 'failed', error?: string): Promise<void> {
  await store.runs.markRunStarted(runId, { attempt: 1, host: 'test', pid: 1, backend: 'cpu', device: 'cpu', startStep: 0 });
  await store.runs.finishRun(runId, status, { step: 5, error });
}

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_watch');
  const port = await portOrFree(0);
  apiUrl = `http://127.0.0.1:${port}`;
  api = spawnApp('api', 'api', { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: db.url, REDIS_URL: redisUrl, ABLATE_QUEUE_PREFIX: prefix, ABLATE_API_KEYS: KEY }, () => undefined);
  await waitForHttp(`${apiUrl}/health`, api);
  store = await openStore({ url: db.url, poolSize: 2 });
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await store?.close();
  await db?.drop();
  await dropRedisPrefix(redisUrl, prefix);
});

describe('ablate sweep watch on a sweep with failures', () => {
  it('exits 1, says completed_with_failures and prints the failures grouped by reason', async () => {
    const sweep = await submit('partly failed', [0, 1, 2]);
    await end(sweep.runs[0]!.id, 'failed', 'dataset.train: no such file shapes/train.json');
    await end(sweep.runs[1]!.id, 'failed', 'dataset.train: no such file shapes/train.json');
    await end(sweep.runs[2]!.id, 'completed');
    const out = await watch(sweep.id);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/completed_with_failures \(2 failed, 1 completed\)/);
    expect(out.stderr).toMatch(/2 runs failed: dataset.train: no such file shapes\/train.json\n\s+γ=0 \(\w{8}\), γ=1 \(\w{8}\)/);
  }, 60_000);

  it('exits 1 and calls a sweep whose every run failed `failed`', async () => {
    const sweep = await submit('all failed', [0, 2]);
    for (const run of sweep.runs) await end(run.id, 'failed', 'out of memory');
    const out = await watch(sweep.id);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/: failed \(2 failed\)/);
    expect(out.stderr).toMatch(/2 runs failed: out of memory/);
  }, 60_000);

  it('exits 0 on a sweep whose runs all completed', async () => {
    const sweep = await submit('clean', [0]);
    await end(sweep.runs[0]!.id, 'completed');
    const out = await watch(sweep.id);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/: completed \(1 completed\)/);
    expect(out.stderr).not.toMatch(/failed/);
  }, 60_000);
});
