import { Queue } from 'bullmq';
import request from 'supertest';
import { createTemporaryDatabase, startThrowawayRedis, type TemporaryDatabase, type ThrowawayRedis } from '@ablate/store/testing';
import { createApiApp, type ApiApp } from '../create-api-app';

const AUTH = { Authorization: 'Bearer outage-key' };
const prefix = 'ablate-test-outage';

let db: TemporaryDatabase;
let redis: ThrowawayRedis;
let api: ApiApp;
let http: ReturnType<typeof request>;
let redisDown = false;

const spec = {
  name: 'through an outage',
  dataset: { train: 'synthetic:shapes?images=8&size=32', val: 'synthetic:shapes?images=4&size=32&split=val' },
  base: { model: { numClasses: 7, inputSize: 64, backbone: 'resnet18', backboneWidth: 0.25 }, train: { steps: 5 } },
  grid: { gamma: [0, 2] },
};

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_outage');
  redis = await startThrowawayRedis({ appendOnly: true });
  api = await createApiApp({ databaseUrl: db.url, redisUrl: redis.url, queuePrefix: prefix, apiKeys: ['outage-key'], reconcileEveryMs: 0, logger: false });
  http = request(api.app.getHttpServer());
}, 60_000);

afterAll(async () => {
  if (redisDown) await redis.start(); // so the API can close its connections
  await api?.close();
  await redis?.dispose();
  await db?.drop();
});

describe('the API while Redis is down', () => {
  it('/health answers 503 naming redis; a sweep is kept and answered 503; the same key and body queue it once Redis is back', async () => {
    await redis.stop();
    redisDown = true;
    const health = await http.get('/health');
    expect(health.status).toBe(503);
    expect(health.body.message).toMatch(/^down: redis \(/);
    expect(health.body.details.redis.status).toBe('down');
    expect(health.body.details.postgres.status).toBe('up');

    const first = await http.post('/sweeps').set(AUTH).set('Idempotency-Key', 'outage-1').send(spec);
    expect(first.status, JSON.stringify(first.body)).toBe(503);
    expect(first.body.message).toMatch(/resubmit with the same Idempotency-Key/);

    await redis.start();
    redisDown = false;
    const again = await http.post('/sweeps').set(AUTH).set('Idempotency-Key', 'outage-1').send(spec);
    expect(again.status).toBe(200); // the sweep the first request stored, now queued
    const train = new Queue('train', { connection: { url: redis.url }, prefix });
    try {
      const jobs = await Promise.all(again.body.runs.map((r: { id: string }) => train.getJob(r.id)));
      expect(jobs.map((j) => j?.data.runId)).toEqual(again.body.runs.map((r: { id: string }) => r.id));
    } finally {
      await train.close();
    }
    const sweeps = await http.get('/sweeps').set(AUTH);
    expect(sweeps.body).toHaveLength(1);
  }, 60_000);
});
