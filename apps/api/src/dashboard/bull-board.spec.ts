import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import request from 'supertest';
import { createTemporaryDatabase, dropRedisPrefix, type TemporaryDatabase } from '@ablate/store/testing';
import { createApiApp, type ApiApp } from '../create-api-app';

const USER = { Authorization: 'Bearer dashboard-user-key' };
const ADMIN = { Authorization: 'Bearer dashboard-admin-key' };
const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const prefix = `ablate-test-board-${randomBytes(4).toString('hex')}`;

let db: TemporaryDatabase;
let api: ApiApp;
let http: ReturnType<typeof request>;
let train: Queue;
let jobId: string;

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_board');
  api = await createApiApp({
    databaseUrl: db.url,
    redisUrl,
    queuePrefix: prefix,
    apiKeys: ['dashboard-user-key'],
    adminKeys: ['dashboard-admin-key'],
    authFailuresPerMinute: 5,
    logger: false,
  });
  http = request(api.app.getHttpServer());
  train = new Queue('train', { connection: { url: redisUrl }, prefix });
  const job = await train.add('train', { runId: 'r1', sweepId: 's1', config: { loss: { gamma: 2, alpha: 0.25 }, model: { arch: 'retinanet' }, seed: 0 } });
  jobId = job.id!;
});

afterAll(async () => {
  await train?.close();
  await api?.close();
  await db?.drop();
  await dropRedisPrefix(redisUrl, prefix);
});

describe('the queues dashboard', () => {
  it('names train jobs by the run they train', async () => {
    const res = await http.get('/queues/api/queues').query({ activeQueue: 'train', status: 'waiting', page: 1, jobsPerPage: 10 }).set(USER);
    expect(res.status).toBe(200);
    const queue = (res.body.queues as { name: string; readOnlyMode: boolean; jobs: { name: string }[] }[]).find((q) => q.name === 'train');
    expect(queue?.readOnlyMode).toBe(true);
    expect(queue?.jobs.map((j) => j.name)).toEqual(['train γ=2 α=0.25 seed 0']);
  });

  it('is read-only for ordinary keys: emptying a queue is refused and the job stays', async () => {
    expect((await http.put('/queues/api/queues/train/empty').set(USER)).status).toBe(405);
    expect((await http.put('/queues/api/queues/train/empty').set(ADMIN)).status).toBe(405); // the read-only board for everyone
    expect((await http.get('/queues/admin/api/queues').set(USER)).status).toBe(403);
    expect((await http.put('/queues/admin/api/queues/train/empty').set(USER)).status).toBe(403);
    expect(await train.getJob(jobId)).toBeDefined();
  });

  it('lets admin keys administer the queues, but no one edit a job\'s data or add jobs', async () => {
    const edit = await http.put(`/queues/admin/api/queues/train/${jobId}/update-data`).set(ADMIN).send({ jobData: { config: { loss: { gamma: 5 } } } });
    expect(edit.status).toBe(403);
    expect(edit.body.message).toMatch(/diverge from its run/);
    expect((await http.post('/queues/admin/api/queues/train/add').set(ADMIN).send({ name: 'train', data: {} })).status).toBe(403);
    expect((await train.getJob(jobId))?.data.config.loss.gamma).toBe(2);
    expect((await http.put('/queues/admin/api/queues/train/pause').set(ADMIN)).status).toBe(200);
    expect(await train.isPaused()).toBe(true);
    await train.resume();
  });

  it('takes ?api_key= only on the browser pages, and a malformed cookie is a 401, not a 500', async () => {
    expect((await http.get('/queues').query({ api_key: 'dashboard-user-key' })).status).toBe(200);
    expect((await http.get('/sweeps').query({ api_key: 'dashboard-user-key' })).status).toBe(401);
    const cookie = await http.get('/sweeps').set('Cookie', 'ablate_api_key=%E0%A4%A');
    expect(cookie.status).toBe(401);
    expect(cookie.body.message).toBe('invalid API key');
  });

  it('answers 429 to a client past its failed authentications, even with the right key, and counts no successes', async () => {
    // This file's API allows 5 failures a minute; the test before spent 2.
    for (let i = 0; i < 10; i++) expect((await http.get('/sweeps').set(USER)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await http.get('/sweeps').set('Authorization', `Bearer guess-${i}`)).status).toBe(401);
    const limited = await http.get('/sweeps').set('Authorization', 'Bearer guess-x');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await http.get('/sweeps').set(USER)).status).toBe(429);
    expect((await http.get('/health')).status).not.toBe(429);
  });
});
