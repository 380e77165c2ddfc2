import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planSweep } from '@ablate/jobs';
import { ARTIFACT_CHUNK_BYTES, DirectoryArtifactStore, openStore, type Store } from '@ablate/store';
import { createTemporaryDatabase, dropRedisPrefix, type TemporaryDatabase } from '@ablate/store/testing';
import { createApiApp, type ApiApp } from '../create-api-app';

const KEY = 'ckpt-key';
const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const prefix = `ablate-test-ckpt-${randomBytes(4).toString('hex')}`;
/** Large enough to span several chunks: 2.5 × 4 MiB. */
const SIZE = Math.round(2.5 * ARTIFACT_CHUNK_BYTES);

let db: TemporaryDatabase;
let api: ApiApp;
let url: string;
let store: Store;
let runId: string;
const bytes = randomBytes(SIZE);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_ckpt');
  api = await createApiApp({ databaseUrl: db.url, redisUrl, queuePrefix: prefix, apiKeys: [KEY], reconcileEveryMs: 0, logger: false });
  url = await api.listen(0);
  store = await openStore({ url: db.url, poolSize: 2 });
  const lone = await store.runs.createLone({ config: planSweep({ name: 'c', dataset: { train: 'synthetic:shapes', val: 'synthetic:shapes?split=val' }, grid: { gamma: [0] } }).runs[0]!.config });
  runId = lone.id;
  await store.checkpoints.saveCheckpoint(runId, 5, bytes);
});

afterAll(async () => {
  await api?.close();
  await store?.close();
  await db?.drop();
  await dropRedisPrefix(redisUrl, prefix);
});

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<{ sizes: number[]; all: Buffer }> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return { sizes: parts.map((p) => p.byteLength), all: Buffer.concat(parts) };
}

describe('checkpoint downloads', () => {
  it('read the stored checkpoint in chunks of at most ARTIFACT_CHUNK_BYTES, from PostgreSQL and from a directory', async () => {
    const fromPg = await store.checkpoints.openCheckpoint(runId);
    expect([fromPg!.step, fromPg!.size]).toEqual([5, SIZE]);
    const pg = await collect(fromPg!.chunks);
    expect(pg.sizes).toEqual([ARTIFACT_CHUNK_BYTES, ARTIFACT_CHUNK_BYTES, SIZE - 2 * ARTIFACT_CHUNK_BYTES]);
    expect(sha(pg.all)).toBe(sha(bytes));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ablate-ckpt-dir-'));
    const files = new DirectoryArtifactStore(dir);
    await files.put({ runId, kind: 'checkpoint', step: 5 }, bytes);
    const fromDir = await collect((await files.openRead(runId, 'checkpoint'))!.chunks);
    expect(Math.max(...fromDir.sizes)).toBeLessThanOrEqual(ARTIFACT_CHUNK_BYTES);
    expect(sha(fromDir.all)).toBe(sha(bytes));
    expect(await files.openRead(runId, 'checkpoint', 99)).toBeNull();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stream over HTTP byte for byte with Content-Length, five at once, while /health still answers', async () => {
    const responses = await Promise.all(Array.from({ length: 5 }, () => fetch(`${url}/runs/${runId}/checkpoint`, { headers: { authorization: `Bearer ${KEY}` } })));
    for (const res of responses) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(SIZE));
      expect(res.headers.get('x-checkpoint-step')).toBe('5');
    }
    // All five are open (headers sent, bodies not read): the API still serves other requests.
    const health = await fetch(`${url}/health`);
    expect([200, 503]).toContain(health.status);
    const bodies = await Promise.all(responses.map(async (r) => Buffer.from(await r.arrayBuffer())));
    for (const b of bodies) expect(sha(b)).toBe(sha(bytes));
  });
});
