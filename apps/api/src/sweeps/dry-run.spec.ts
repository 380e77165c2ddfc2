import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import request from 'supertest';
import type { RouteDefinition, SweepPlan } from '@ablate/contract';
import { openStore, type Store } from '@ablate/store';
import { createTemporaryDatabase, dropRedisPrefix, type TemporaryDatabase } from '@ablate/store/testing';
import { createApiApp, type ApiApp } from '../create-api-app';
import { contractChecked } from '../testing/contract-checked';

/** POST /sweeps?dryRun=true against real PostgreSQL and Redis: a plan, and nothing written or queued. */

const KEY = 'dry-run-key';
const AUTH = { Authorization: `Bearer ${KEY}` };
const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const prefix = `ablate-test-dryrun-${randomBytes(4).toString('hex')}`;
const dataset = { train: 'synthetic:shapes?images=8&size=32', val: 'synthetic:shapes?images=4&size=32&split=val' };
/** Small enough that timing three training steps takes a second or two on wasm. */
const tinyModel = { numClasses: 7, inputSize: 64, backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, headConvs: 1 };

const randomSpec = {
  name: 'dry random',
  dataset,
  base: { model: tinyModel, train: { steps: 30, batchSize: 2 } },
  search: 'random',
  samplerSeed: 3,
  budget: 5,
  seeds: 2,
  space: { gamma: { uniform: [0, 5], q: 0.25 }, lr: { loguniform: [0.0001, 0.01] } },
};

let db: TemporaryDatabase;
let api: ApiApp;
let store: Store;
let http: ReturnType<typeof request>;
let queues: Queue[];
const answered = new Set<RouteDefinition>();

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_dryrun');
  api = await createApiApp({ databaseUrl: db.url, redisUrl, queuePrefix: prefix, apiKeys: [KEY], reconcileEveryMs: 0, logger: false });
  http = contractChecked(request(api.app.getHttpServer()), answered);
  store = await openStore({ url: db.url, poolSize: 1 });
  queues = ['train', 'sweep', 'evaluate'].map((name) => new Queue(name, { connection: { url: redisUrl }, prefix }));
}, 60_000);

afterAll(async () => {
  await Promise.all((queues ?? []).map((q) => q.close()));
  await api?.close();
  await store?.close();
  await db?.drop();
  await dropRedisPrefix(redisUrl, prefix);
});

/** Rows of the store's tables and jobs of every queue: all zero after any number of dry runs. */
async function written(): Promise<{ sweeps: number; runs: number; jobs: number }> {
  const [{ sweeps, runs }] = (await store.dataSource.query('SELECT (SELECT count(*) FROM sweeps)::int AS sweeps, (SELECT count(*) FROM runs)::int AS runs')) as { sweeps: number; runs: number }[];
  const counts = await Promise.all(queues.map((q) => q.getJobCounts()));
  return { sweeps, runs, jobs: counts.reduce((n, c) => n + Object.values(c).reduce((a, b) => a + b, 0), 0) };
}

describe('POST /sweeps?dryRun=true', () => {
  it('answers 200 with the sampled runs, total steps and a measured cost, cached per model, and writes nothing', async () => {
    const res = await http.post('/sweeps?dryRun=true').set(AUTH).send(randomSpec);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const plan = res.body as SweepPlan;
    expect(plan).toMatchObject({ dryRun: true, name: 'dry random', search: 'random', variedPaths: ['loss.gamma', 'train.lr'], seeds: [0, 1], configurations: 5, runCount: 10, totalSteps: 300 });
    expect(plan.sampling).toMatchObject({ budget: 5, samplerSeed: 3, space: [{ key: 'gamma', path: 'loss.gamma', distribution: { uniform: [0, 5], q: 0.25 } }, { key: 'lr', path: 'train.lr' }] });
    expect(plan.runs.map((r) => r.seed)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    for (const run of plan.runs) expect(Number.isInteger((run.params['loss.gamma'] as number) * 4)).toBe(true);
    // γ and lr change no step's work: one model, timed once.
    expect(plan.cost.models).toHaveLength(1);
    const [model] = plan.cost.models;
    expect(model).toMatchObject({ label: 'retinanet resnet18×0.25 64 px, batch 2', runs: 10, steps: 300, measuredSteps: 2, cached: false });
    expect(model!.secondsPerStep).toBeGreaterThan(0);
    expect(plan.cost.coreHours).toBeCloseTo((300 * model!.secondsPerStep * plan.cost.threads) / 3600, 10);
    expect(plan.cost.backend).toBe(process.env['ABLATE_BACKEND'] ?? 'wasm');

    // The same spec again: the same runs, the cost from the cache.
    const again = (await http.post('/sweeps?dryRun=true').set(AUTH).send(randomSpec)).body as SweepPlan;
    expect(again.runs).toEqual(plan.runs);
    expect(again.cost.models[0]).toMatchObject({ cached: true, secondsPerStep: model!.secondsPerStep });
    expect(await written()).toEqual({ sweeps: 0, runs: 0, jobs: 0 });
  }, 120_000);

  it('plans a grid sweep with one cost per distinct model, and the real submission creates those runs', async () => {
    const grid = { name: 'dry grid', dataset, base: { model: tinyModel, train: { steps: 10, batchSize: 2 } }, grid: { gamma: [0, 2], 'model.inputSize': [64, 96] } };
    const plan = (await http.post('/sweeps').query({ dryRun: 'true' }).set(AUTH).send(grid)).body as SweepPlan;
    expect(plan).toMatchObject({ search: 'grid', sampling: null, configurations: 4, runCount: 4, totalSteps: 40 });
    expect(plan.cost.models.map((m) => [m.label, m.runs, m.cached])).toEqual([
      ['retinanet resnet18×0.25 64 px, batch 2', 2, true],
      ['retinanet resnet18×0.25 96 px, batch 2', 2, false],
    ]);
    expect(await written()).toEqual({ sweeps: 0, runs: 0, jobs: 0 });
    const created = await http.post('/sweeps').query({ dryRun: 'false' }).set(AUTH).send(grid);
    expect(created.status).toBe(201);
    expect(created.body.runs.map((r: { key: string }) => r.key)).toEqual(plan.runs.map((r) => r.key));
  }, 120_000);

  it('400s a bad spec as a submission does, naming the field, and a bad dryRun value', async () => {
    const bad = await http.post('/sweeps?dryRun=true').set(AUTH).send({ ...randomSpec, space: { 'loss.gamma': { uniform: [-1, 2] } } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ path: 'space.loss.gamma', message: 'lower bound -1 is refused: Too small: expected number to be >=0' }]);
    const phi = await http.post('/sweeps?dryRun=true').set(AUTH).send({ ...randomSpec, space: { phi: [0, 1] } });
    expect(phi.body.issues).toEqual([{ path: 'space.phi', message: "is not used by model.arch 'retinanet' (model.phi is read by efficientdet)" }]);
    const flag = await http.post('/sweeps?dryRun=yes').set(AUTH).send(randomSpec);
    expect(flag.status).toBe(400);
    expect(flag.body.issues).toEqual([{ path: 'query.dryRun', message: 'must be true or false' }]);
  });
});
