import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import sharp from 'sharp';
import request from 'supertest';
import { EVALUATION_STAT_NAMES, type EvaluationStats, openStore, type Store } from '@ablate/store';
import { createTemporaryDatabase, dropRedisPrefix, type TemporaryDatabase } from '@ablate/store/testing';
import { routeLabel, routes, type RouteDefinition } from '@ablate/contract';
import { findRecipe, recipeSweepSpec } from '@ablate/jobs';
import { createApiApp, type ApiApp } from './create-api-app';
import { contractChecked } from './testing/contract-checked';

const KEY = 'test-key-1';
const AUTH = { Authorization: `Bearer ${KEY}` };
// A seed of this file's own keeps the cross-sweep tables (GET /ablation?dataset=…) to this file's runs.
const trainSeed = randomBytes(3).readUIntBE(0, 3);
const dataset = { train: `synthetic:shapes?images=8&size=32&seed=${trainSeed}`, val: 'synthetic:shapes?images=4&size=32&seed=1&split=val' };
const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const prefix = `ablate-test-api-${randomBytes(4).toString('hex')}`;

let db: TemporaryDatabase;
let api: ApiApp;
let store: Store;
let http: ReturnType<typeof request>;
let train: Queue;
let sweepQueue: Queue;
let evaluate: Queue;
/** The routes that answered with a success: each response was parsed exactly with its schema in @ablate/contract. */
const answered = new Set<RouteDefinition>();

/** A model a CPU worker can train (the paper default, 512 px ResNet-50, is refused at submit: it cannot fit). */
const cpuModel = { numClasses: 7, inputSize: 128, backbone: 'resnet18', backboneWidth: 0.5 };

/** γ ∈ {0, 2} × α ∈ {0.25, 0.75} × 2 seeds = 8 runs. */
const focal = (name: string) => ({
  name,
  dataset,
  base: { model: cpuModel, train: { steps: 20 } },
  grid: { gamma: [0, 2], alpha: [0.25, 0.75] },
  seeds: 2,
  priority: 7,
});

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_api');
  api = await createApiApp({
    databaseUrl: db.url,
    redisUrl,
    queuePrefix: prefix,
    apiKeys: ['other-key', KEY],
    bodyLimit: '4kb',
    maxRunsPerSweep: 50,
    logger: false,
  });
  // Every response of this file is checked against @ablate/contract (exactly: no unnamed field).
  http = contractChecked(request(api.app.getHttpServer()), answered);
  store = await openStore({ url: db.url, poolSize: 2 });
  const conn = { connection: { url: redisUrl }, prefix };
  train = new Queue('train', conn);
  sweepQueue = new Queue('sweep', conn);
  evaluate = new Queue('evaluate', conn);
});

afterAll(async () => {
  await Promise.all([train, sweepQueue, evaluate].map((q) => q?.close()));
  await api?.close();
  await store?.close();
  await db?.drop();
  await dropRedisPrefix(redisUrl, prefix);
});

describe('auth', () => {
  it('answers 401 without a key or with a wrong one, on routes, dashboard and docs', async () => {
    for (const path of ['/sweeps', '/queues', '/docs', '/metrics', '/nope']) {
      const res = await http.get(path);
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/missing API key/);
    }
    const wrong = await http.get('/sweeps').set('Authorization', 'Bearer test-key-2');
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toBe('invalid API key');
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('lets the dashboard, docs and any configured key in', async () => {
    expect((await http.get('/queues').set(AUTH)).status).toBe(200);
    expect((await http.get('/docs/').set(AUTH)).status).toBe(200);
    expect((await http.get('/sweeps').set('Authorization', 'Bearer other-key')).status).toBe(200);
    const spec = await http.get('/docs-json').set(AUTH);
    expect(spec.body.components.schemas.SweepSpec.properties.grid).toBeDefined();
  });

  it('signs a browser in with POST /session: the key comes back as an HttpOnly cookie that opens the routes', async () => {
    const wrong = await http.post('/session').send({ key: 'not-a-key' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect((await http.post('/session').send({})).status).toBe(400);
    const ok = await http.post('/session').send({ key: KEY });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ signedIn: true, role: 'user' });
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/^ablate_api_key=test-key-1;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const cookieHeader = cookie.split(';')[0]!;
    expect((await http.get('/sweeps').set('Cookie', cookieHeader)).status).toBe(200);
    const out = await http.delete('/session').set('Cookie', cookieHeader);
    expect(out.body).toEqual({ signedIn: false, role: null });
    expect(String(out.headers['set-cookie'])).toMatch(/^ablate_api_key=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('serves the web console at /ui without a key, and sends a browser opening / there', async () => {
    const page = await http.get('/ui/sweeps/anything');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="app">');
    const root = await http.get('/').set('Accept', 'text/html');
    expect(root.status).toBe(302);
    expect(root.headers['location']).toBe('/ui/');
    // A client asking for JSON still gets the API's answer (401 without a key).
    expect((await http.get('/').set('Accept', 'application/json')).status).toBe(401);
  });

  it('serves /health without a key', async () => {
    const res = await http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.details).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' }, queues: { status: 'up' } });
  });
});

describe('request errors', () => {
  it('404s unknown routes and unknown ids as JSON; 400s malformed ids', async () => {
    const unknown = await http.get('/no/such/route').set(AUTH);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    const missing = await http.get('/sweeps/00000000-0000-4000-8000-000000000000').set(AUTH);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('sweep 00000000-0000-4000-8000-000000000000 not found');
    const bad = await http.get('/runs/123').set(AUTH);
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ path: 'id', message: 'must be a UUID' }]);
  });

  it('413s a body over the limit and 400s malformed JSON', async () => {
    const big = await http.post('/sweeps').set(AUTH).send({ ...focal('big'), description: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    expect(big.body.message).toBe('request body over the limit of 4kb');
    const malformed = await http.post('/sweeps').set(AUTH).set('Content-Type', 'application/json').send('{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.issues).toEqual([{ path: 'body', message: 'malformed JSON' }]);
  });

  it.each([
    ['an unknown path', { grid: { 'loss.gama': [1] } }, 'grid.loss.gama', /unknown parameter/],
    ['a wrong type', { grid: { gamma: ['two'] } }, 'grid.gamma[0]', /expected number/],
    ['γ < 0', { grid: { gamma: [1, -1] } }, 'grid.gamma[1]', />=0/],
    ['α outside [0, 1]', { grid: { alpha: [1.5] } }, 'grid.alpha[0]', /alpha must be in \[0, 1\]/],
    ['φ outside 0..7', { base: { model: { ...cpuModel, arch: 'efficientdet' }, train: { steps: 20 } }, grid: { phi: [8] } }, 'grid.phi[0]', /<=7/],
    ['φ on a RetinaNet-only sweep', { grid: { phi: [0, 1] } }, 'grid.phi', /is not used by model.arch 'retinanet' \(model.phi is read by efficientdet\)/],
    ['a space bound the schema refuses', { grid: undefined, search: 'random', budget: 3, space: { 'loss.gamma': { uniform: [-1, 2] } } }, 'space.loss.gamma', /lower bound -1 is refused/],
    ['an empty value list', { grid: { gamma: [] } }, 'grid.gamma', /at least one value/],
    ['an empty grid', { grid: {} }, 'grid', /at least one parameter/],
    ['an oversized grid (6 × 3 × 3 = 54 > 50)', { grid: { gamma: [0, 1, 2, 3, 4, 5], alpha: [0.1, 0.2, 0.3] }, seeds: 3 }, 'grid', /54 runs .* over the limit of 50/],
    ['a bad base field', { base: { loss: { gamma: -2 } } }, 'base.loss.gamma', />=0/],
    ['a missing dataset', { dataset: undefined }, 'dataset', /expected object/],
    ['an unknown top-level field', { extra: true }, 'extra', /unknown field/],
  ])('400s %s, naming the field', async (_what, patch, path, message) => {
    const res = await http.post('/sweeps').set(AUTH).send({ ...focal('bad'), seeds: 1, ...patch });
    expect(res.status).toBe(400);
    const issue = (res.body.issues as { path: string; message: string }[]).find((i) => i.path === path);
    expect(issue, JSON.stringify(res.body.issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it('400s a dataset reference that cannot work, naming the field, and stores nothing (the docs example of issue 14)', async () => {
    const before = (await http.get('/sweeps').set(AUTH).query({ limit: 100 })).body.length;
    const docsExample = await http.post('/sweeps').set(AUTH).send({ ...focal('bad uri'), dataset: { train: 'synthetic:shapes?n=64', val: 'synthetic:shapes?n=16&seed=1' } });
    expect(docsExample.status).toBe(400);
    expect(docsExample.body.issues.map((i: { path: string }) => i.path)).toEqual(['dataset.train', 'dataset.val']);
    expect(docsExample.body.issues[0].message).toMatch(/unknown parameter 'n'/);
    const missing = await http.post('/sweeps').set(AUTH).send({ ...focal('no file'), dataset: { train: 'coco:nowhere/train.json', val: dataset.val } });
    expect(missing.status).toBe(400);
    expect(missing.body.issues).toEqual([{ path: 'dataset.train', message: expect.stringMatching(/nowhere\/train\.json.*not found/) }]);
    const escape = await http.post('/sweeps').set(AUTH).send({ ...focal('escape'), dataset: { train: 'coco:../etc/passwd', val: dataset.val } });
    expect(escape.body.issues[0]).toMatchObject({ path: 'dataset.train', message: expect.stringMatching(/'\.\.' is not allowed/) });
    // Synthetic shapes have 7 categories: a model with 3 outputs cannot train on them.
    const classes = await http.post('/sweeps').set(AUTH).send({ ...focal('classes'), base: { model: { numClasses: 3 }, train: { steps: 20 } } });
    expect(classes.status).toBe(400);
    expect(classes.body.issues[0]).toMatchObject({ path: 'model.numClasses', message: expect.stringMatching(/is 3, but dataset.train .* has 7 categories/) });
    // A config names no file outside the data root: /etc/passwd was once read by the worker and echoed in GET /runs/:id.
    for (const file of ['/etc/passwd', '/proc/self/environ', '../../etc/passwd']) {
      const weights = await http.post('/sweeps').set(AUTH).send({ ...focal('weights'), base: { model: { numClasses: 7, backboneWeights: file } } });
      expect(weights.status).toBe(400);
      expect(weights.body.issues).toEqual([{ path: 'model.backboneWeights', message: expect.stringMatching(/outside the data root|'\.\.' is not allowed/) }]);
      expect(weights.body.message).not.toMatch(/root:/);
    }
    // Nor through R-CNN's proposals file.
    const proposals = await http.post('/sweeps').set(AUTH).send({ ...focal('proposals'), base: { model: { arch: 'rcnn', numClasses: 7 }, proposals: { source: 'file', file: '/etc/passwd' } } });
    expect(proposals.status).toBe(400);
    expect(proposals.body.issues).toEqual([{ path: 'proposals.file', message: expect.stringMatching(/outside the data root/) }]);
    // A Keypoint R-CNN trains on keypoints and is scored by keypoint AP: synthetic shapes have none.
    const poses = await http.post('/sweeps').set(AUTH).send({ ...focal('poses'), base: { model: { arch: 'keypoint-rcnn', numClasses: 7 }, train: { steps: 20 } } });
    expect(poses.status).toBe(400);
    expect(poses.body.issues.map((i: { path: string }) => i.path)).toEqual(['dataset.train', 'dataset.val']);
    expect(poses.body.issues[0].message).toMatch(/model\.arch keypoint-rcnn trains on keypoints .* synthetic:shapes.* has none/);
    const lone = await http.post('/runs').set(AUTH).send({ config: { dataset: { ...dataset, val: 'voc:nope' } } });
    expect(lone.body.issues.map((i: { path: string }) => i.path)).toEqual(['config.model.numClasses', 'config.dataset.val']);
    expect((await http.get('/sweeps').set(AUTH).query({ limit: 100 })).body.length).toBe(before);
  });

  it('400s runs that cannot fit in memory, naming the grid point, the estimate, the limit and the knobs (the 512 px RetinaNet once aborted its worker)', async () => {
    const before = (await http.get('/sweeps').set(AUTH).query({ limit: 100 })).body.length;
    const paper = await http.post('/sweeps').set(AUTH).send({ ...focal('paper default'), base: { model: { numClasses: 7 } } });
    expect(paper.status).toBe(400);
    expect(paper.body.issues).toHaveLength(4);
    expect(paper.body.issues[0]).toEqual({
      path: 'grid',
      message: expect.stringMatching(
        /^grid point loss\.gamma=0, loss\.alpha=0\.25 does not fit in memory: needs about \d+ MB \(36\.5 M parameters.* at 512 px × batch 8\), the limit is 3584 MB .*; reduce model\.inputSize, train\.batchSize, model\.backboneWidth, model\.backbone/,
      ),
    });
    const grid = await http.post('/sweeps').set(AUTH).send({ ...focal('sizes'), grid: { 'model.inputSize': [128, 1024], gamma: [0, 2] } });
    expect(grid.status).toBe(400);
    expect(grid.body.issues.map((i: { message: string }) => i.message.split(' does not fit')[0])).toEqual([
      'grid point model.inputSize=1024, loss.gamma=0',
      'grid point model.inputSize=1024, loss.gamma=2',
    ]);
    const lone = await http.post('/runs').set(AUTH).send({ config: { dataset, model: { ...cpuModel, inputSize: 1024 } } });
    expect(lone.status).toBe(400);
    expect(lone.body.issues).toEqual([{ path: 'config', message: expect.stringMatching(/^the run does not fit in memory: .* at 1024 px × batch 8/) }]);
    expect((await http.get('/sweeps').set(AUTH).query({ limit: 100 })).body.length).toBe(before);
  });

  it('400s text PostgreSQL cannot store and hostile nesting, naming the field, instead of a 500', async () => {
    const post = (raw: string) => http.post('/sweeps').set(AUTH).set('Content-Type', 'application/json').send(raw);
    const nul = await post(JSON.stringify({ ...focal('nul\u0000name') }));
    expect(nul.status).toBe(400);
    expect(nul.body.issues).toEqual([{ path: 'name', message: 'contains a NUL character (\\u0000)' }]);
    const surrogate = await post(JSON.stringify(focal('x')).replace('"name":"x"', '"name":"\\ud800"'));
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.issues[0].path).toBe('name');
    const inGrid = await post(JSON.stringify({ ...focal('grid'), grid: { 'model.norm': ['batch\u0000'] } }));
    expect(inGrid.body.issues[0].path).toBe('grid.model.norm[0]');
    const deep = await post(JSON.stringify({ ...focal('deep'), grid: { gamma: [JSON.parse('['.repeat(500) + ']'.repeat(500))] } }));
    expect(deep.status).toBe(400);
    expect(deep.body.issues[0].message).toMatch(/nests deeper than 32 levels/);
  });

  it('400s bad run and evaluation bodies and ablation queries', async () => {
    const run = await http.post('/runs').set(AUTH).send({ config: { dataset, loss: { alpha: 2 } } });
    expect(run.status).toBe(400);
    expect(run.body.issues[0].path).toBe('config.loss.alpha');
    const ev = await http.post('/evaluations').set(AUTH).send({ runId: 'nope', step: -1 });
    expect(ev.status).toBe(400);
    expect(ev.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['runId', 'step']);
    const ablation = await http.get('/ablation').set(AUTH).query({ dataset: dataset.train, rows: 'loss.gama', format: 'md' });
    expect(ablation.status).toBe(400);
    expect(ablation.body.issues).toEqual([{ path: 'rows', message: 'unknown config path loss.gama' }]);
    const format = await http.get('/ablation').set(AUTH).query({ dataset: dataset.train, format: 'xls' });
    expect(format.body.issues).toEqual([{ path: 'query.format', message: 'must be one of json, csv, md, html' }]);
  });
});

describe('sweeps', () => {
  it('writes the sweep and its runs, and enqueues one flow: a parent and a child per run with the run id as job id', async () => {
    const res = await http.post('/sweeps').set(AUTH).set('Idempotency-Key', 'sweep-a').send(focal('flow'));
    expect(res.status).toBe(201);
    const sweep = res.body;
    expect(sweep.runCount).toBe(8);
    expect(sweep.runs).toHaveLength(8);
    expect(sweep.runCounts).toMatchObject({ queued: 8 });
    const runs = await store.sweeps.runsOf(sweep.id);
    expect(runs.map((r) => r.id)).toEqual(sweep.runs.map((r: { id: string }) => r.id));

    const parent = await sweepQueue.getJob(sweep.id);
    expect(parent?.name).toBe('sweep');
    expect(parent?.data).toEqual({ sweepId: sweep.id });
    expect(await parent!.getState()).toBe('waiting-children');
    expect(await parent!.getDependenciesCount()).toMatchObject({ unprocessed: 8 });
    const jobs = await train.getJobs(['prioritized', 'waiting']);
    const ours = jobs.filter((j) => j.data.sweepId === sweep.id);
    expect(ours.map((j) => j.id).sort()).toEqual(runs.map((r) => r.id).sort());
    const first = ours.find((j) => j.id === runs[0].id)!;
    expect(first.opts.priority).toBe(7);
    expect(first.data.config.loss).toMatchObject({ gamma: 0, alpha: 0.25 });
    expect(first.parent?.id).toBe(sweep.id);

    // The same Idempotency-Key with the same body (keys in another order) returns the first sweep and enqueues nothing new…
    const { grid, ...rest } = focal('flow');
    const again = await http.post('/sweeps').set(AUTH).set('Idempotency-Key', 'sweep-a').send({ grid, ...rest });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(sweep.id);
    expect(again.body.name).toBe('flow');
    // …with another body it is refused, not answered with the first sweep.
    const other = await http.post('/sweeps').set(AUTH).set('Idempotency-Key', 'sweep-a').send(focal('flow-again'));
    expect(other.status).toBe(422);
    expect(other.body.issues).toEqual([{ path: 'headers.idempotency-key', message: 'used before with a different body' }]);
    expect((await train.getJobs(['prioritized', 'waiting'])).length).toBe(jobs.length);
    const count: { n: number }[] = await store.dataSource.query('SELECT count(*)::int AS n FROM sweeps');
    expect(count[0].n).toBe(1);

    const detail = await http.get(`/sweeps/${sweep.id}`).set(AUTH);
    expect(detail.status).toBe(200);
    expect(detail.body.progress).toMatchObject({ total: 8, ended: 0, fraction: 0, etaSeconds: null });
    expect(detail.body.runs.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual(runs.map((r) => [r.id, 'queued']));
    expect(detail.body.runCounts).toMatchObject({ queued: 8, running: 0 });
    const list = await http.get('/sweeps').set(AUTH);
    expect(list.body.find((s: { id: string }) => s.id === sweep.id)?.runCounts).toMatchObject({ queued: 8, running: 0 });
    expect((await http.get('/sweeps').set(AUTH).query({ limit: 0 })).body.issues).toEqual([{ path: 'query.limit', message: 'must be an integer in [1, 500]' }]);
    expect((await http.get('/sweeps').set(AUTH).query({ offset: 'x' })).body.issues).toEqual([{ path: 'query.offset', message: 'must be an integer in [0, 1000000]' }]);

    const metrics = await http.get('/metrics').set(AUTH);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/ablate_queue_jobs\{queue="train",state="prioritized"\} 8/);
    expect(metrics.text).toMatch(/ablate_queue_jobs\{queue="sweep",state="waiting-children"\} 1/);
    expect(metrics.text).toMatch(/ablate_runs\{status="queued"\} 8/);
    expect(metrics.text).toContain('ablate_job_duration_seconds');
    expect(metrics.text).toMatch(/ablate_queue_lag_seconds\{queue="train"\} \d/);
  });

  it('cancels: waiting jobs removed, the active run flagged, the parent released when the last child ends', async () => {
    const res = await http.post('/sweeps').set(AUTH).send({ ...focal('cancel'), priority: 1 });
    const sweepId: string = res.body.id;
    // A worker takes one run (manual fetch keeps the job active and locked).
    const worker = new Worker('train', null, { connection: { url: redisUrl }, prefix, autorun: false });
    const token = 'test-token';
    const job = await worker.getNextJob(token);
    expect(job?.data.sweepId).toBe(sweepId);
    await store.runs.markRunStarted(job!.id!, { attempt: 1, host: 'h', pid: 1, backend: 'cpu', device: 'cpu' });

    const cancel = await http.post(`/sweeps/${sweepId}/cancel`).set(AUTH);
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ cancelledRuns: 7, stoppingRuns: 1, removedJobs: 7, sweep: { status: 'cancelling' } });
    const left = (await train.getJobs(['prioritized', 'waiting', 'active'])).filter((j) => j.data.sweepId === sweepId);
    expect(left.map((j) => j.id)).toEqual([job!.id]);
    expect(await store.runs.isCancelRequested(job!.id!)).toBe(true);

    // The worker stops the run at its next step and ends it as cancelled.
    await store.runs.finishRun(job!.id!, 'cancelled', { step: 3 });
    await job!.moveToCompleted({ status: 'cancelled' }, token, false);
    expect(await (await sweepQueue.getJob(sweepId))!.getState()).toBe('waiting');
    expect((await http.get(`/sweeps/${sweepId}`).set(AUTH)).body.status).toBe('cancelled');
    await worker.close();

    // The API observed the job's duration from BullMQ's queue events.
    let text = '';
    for (let i = 0; i < 50 && !/ablate_job_duration_seconds_count\{queue="train",outcome="completed"\} 1/.test(text); i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = (await http.get('/metrics').set(AUTH)).text;
    }
    expect(text).toMatch(/ablate_job_duration_seconds_count\{queue="train",outcome="completed"\} 1/);
  });
});

describe('tags and notes', () => {
  it('takes tags and a note at submission, edits them with PATCH and filters the lists by tag, status and name', async () => {
    const tagged = await http.post('/sweeps').set(AUTH).send({ ...focal('Tagged Focal 100%'), tags: [' baseline ', 'paper'], note: 'first try' });
    expect(tagged.status).toBe(201);
    expect(tagged.body).toMatchObject({ tags: ['baseline', 'paper'], note: 'first try' });
    // The spec keeps the grid, not a copy of the tags that PATCH would leave stale.
    expect(tagged.body.spec.tags).toBeUndefined();
    const other = await http.post('/sweeps').set(AUTH).send({ ...focal('untagged'), seeds: 1 });
    expect(other.body).toMatchObject({ tags: [], note: '' });

    const patched = await http.patch(`/sweeps/${other.body.id}`).set(AUTH).send({ tags: ['paper', 'ablate-γ'] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: other.body.id, tags: ['paper', 'ablate-γ'], note: '', runCounts: { queued: 4 } });
    expect((await http.patch(`/sweeps/${other.body.id}`).set(AUTH).send({ note: 'γ only' })).body).toMatchObject({ tags: ['paper', 'ablate-γ'], note: 'γ only' });

    const ids = async (query: Record<string, string>) => ((await http.get('/sweeps').set(AUTH).query(query)).body as { id: string }[]).map((x) => x.id);
    expect(await ids({ tag: 'paper' })).toEqual([other.body.id, tagged.body.id]);
    expect(await ids({ tag: 'paper,baseline' })).toEqual([tagged.body.id]);
    expect(await ids({ tag: 'ablate-γ', status: 'queued' })).toEqual([other.body.id]);
    expect(await ids({ tag: 'paper', status: 'running' })).toEqual([]);
    // A name substring, case-insensitive, its % taken literally.
    expect(await ids({ q: 'focal 100%' })).toEqual([tagged.body.id]);
    expect(await ids({ q: '100_', tag: 'paper' })).toEqual([]);
    expect((await http.get('/sweeps').set(AUTH).query({ status: 'done' })).body.issues).toEqual([
      { path: 'query.status', message: 'must be one of queued, running, completed, completed_with_failures, failed, cancelling, cancelled' },
    ]);

    // Bad bodies: each field named; unknown fields refused; an unknown id is a 404 naming it
    // (this app's 4 kB body limit leaves the 10,000-character note to the contract's spec).
    const bad = await http.patch(`/sweeps/${other.body.id}`).set(AUTH).send({ tags: ['a', 'a', ''], note: 7, name: 'renamed' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual(
      expect.arrayContaining([
        { path: 'tags[2]', message: 'must not be empty' },
        { path: 'tags[1]', message: 'duplicates the tag "a"' },
        { path: 'note', message: 'Invalid input: expected string, received number' },
        { path: 'name', message: 'unknown field' },
      ]),
    );
    const missing = '00000000-0000-4000-8000-000000000000';
    const notFound = await http.patch(`/sweeps/${missing}`).set(AUTH).send({ note: 'x' });
    expect(notFound.status).toBe(404);
    expect(notFound.body.message).toContain(missing);

    // Runs: tags of their own, edited one by one, and a list filtered by sweep, tag and status.
    const runId: string = tagged.body.runs[1].id;
    const run = await http.patch(`/runs/${runId}`).set(AUTH).send({ tags: ['outlier'], note: 'loss spikes at step 12' });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ id: runId, tags: ['outlier'], note: 'loss spikes at step 12' });
    expect((await http.get(`/runs/${runId}`).set(AUTH)).body).toMatchObject({ tags: ['outlier'], note: 'loss spikes at step 12' });
    const runs = await http.get('/runs').set(AUTH).query({ sweepId: tagged.body.id });
    expect(runs.status).toBe(200);
    expect(runs.body.map((r: { id: string }) => r.id)).toEqual(tagged.body.runs.map((r: { id: string }) => r.id));
    expect((await http.get('/runs').set(AUTH).query({ tag: 'outlier', status: 'queued' })).body.map((r: { id: string }) => r.id)).toEqual([runId]);
    expect((await http.get('/runs').set(AUTH).query({ sweepId: tagged.body.id, limit: 2, offset: 1 })).body.map((r: { index?: number; id: string }) => r.id)).toEqual(
      tagged.body.runs.slice(1, 3).map((r: { id: string }) => r.id),
    );
    expect((await http.get('/runs').set(AUTH).query({ sweepId: 'x' })).status).toBe(400);
    expect((await http.patch(`/runs/${runId}`).set(AUTH).send({ status: 'completed' })).body.issues).toEqual([{ path: 'status', message: 'unknown field' }]);
    expect((await http.patch(`/runs/${missing}`).set(AUTH).send({ tags: [] })).status).toBe(404);
  });
});

describe('runs, evaluations and ablation tables', () => {
  function stats(AP: number): EvaluationStats {
    return { ...(Object.fromEntries(EVALUATION_STAT_NAMES.map((k) => [k, 0.5])) as EvaluationStats), AP, AP50: AP + 0.1 };
  }

  it('posts a lone run, serves its details, checkpoint and detections, and evaluates a checkpoint', async () => {
    const created = await http.post('/runs').set(AUTH).send({ name: 'lone', config: { dataset, model: cpuModel, loss: { gamma: 1 } }, priority: 3 });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const job = await train.getJob(id);
    expect(job?.data).toMatchObject({ runId: id, sweepId: null });

    expect((await http.post('/evaluations').set(AUTH).send({ runId: id })).status).toBe(409);
    expect((await http.get(`/runs/${id}/checkpoint`).set(AUTH)).status).toBe(404);

    await store.runs.markRunStarted(id, { attempt: 1, host: 'gpu-box', pid: 42, backend: 'tensorflow', device: 'gpu:0' });
    await store.metrics.recordMetrics(id, 1, { loss: 3, imagesPerSecond: 10 });
    await store.metrics.recordMetrics(id, 2, { loss: 2 });
    await store.checkpoints.saveCheckpoint(id, 2, new Uint8Array([7, 8, 9]));
    await store.evaluations.saveEvaluation(id, {
      dataset: dataset.val, step: 2, stats: { bbox: stats(0.4) },
      detections: [{ image_id: 1, category_id: 1, bbox: [0, 0, 5, 5], score: 0.8 }],
    });
    await store.runs.finishRun(id, 'completed', { step: 2 });

    const run = await http.get(`/runs/${id}`).set(AUTH);
    expect(run.body).toMatchObject({
      status: 'completed', worker: { host: 'gpu-box', pid: 42 }, backend: 'tensorflow', device: 'gpu:0', step: 2,
      metrics: [{ step: 1, values: { loss: 3, imagesPerSecond: 10 } }, { step: 2, values: { loss: 2 } }],
      attemptHistory: [{ attempt: 1, status: 'completed', endStep: 2 }],
      finalEvaluation: { AP: 0.4, step: 2 },
    });
    const ckpt = await http.get(`/runs/${id}/checkpoint`).set(AUTH).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(ckpt.status).toBe(200);
    expect(ckpt.headers['x-checkpoint-step']).toBe('2');
    expect([...(ckpt.body as Buffer)]).toEqual([7, 8, 9]);
    const det = await http.get(`/runs/${id}/detections`).set(AUTH);
    expect(det.body).toEqual([{ image_id: 1, category_id: 1, bbox: [0, 0, 5, 5], score: 0.8 }]);

    const ev = await http.post('/evaluations').set(AUTH).send({ runId: id, dataset: 'synthetic:shapes?images=4&size=32&seed=9&split=val' });
    expect(ev.status).toBe(202);
    expect(ev.body).toMatchObject({ status: 'queued', step: 2, dataset: 'synthetic:shapes?images=4&size=32&seed=9&split=val' });
    expect((await evaluate.getJob(ev.body.id))?.data).toEqual({ evaluationId: ev.body.id, runId: id, dataset: 'synthetic:shapes?images=4&size=32&seed=9&split=val', step: 2 });
    expect((await http.post('/evaluations').set(AUTH).send({ runId: id, step: 5 })).status).toBe(409);

    // A bbox-only evaluation has no mask AP; a completed one with masks shows it under `segm`.
    const bboxOnly = await http.get(`/evaluations/${ev.body.id}`).set(AUTH);
    expect(bboxOnly.body.segm).toBeNull();
    expect(bboxOnly.body).not.toHaveProperty('segmAP');
    await store.evaluations.completeEvaluation(ev.body.id, {
      stats: { bbox: stats(0.5), segm: stats(0.45) },
      perClass: { segm: [{ categoryId: 1, ap: 0.45 }] },
    });
    const masked = await http.get(`/evaluations/${ev.body.id}`).set(AUTH);
    expect(masked.status).toBe(200);
    expect(masked.body).toMatchObject({ status: 'completed', AP: 0.5, segm: { AP: 0.45, AP50: 0.55, perClass: [{ categoryId: 1, ap: 0.45 }] } });
    expect(masked.body).not.toHaveProperty('segmAP');
    const runView = await http.get(`/runs/${id}`).set(AUTH);
    expect(runView.body.finalEvaluation.segm).toBeNull();
    expect(runView.body.evaluations.find((e: { id: string }) => e.id === ev.body.id).segm).toMatchObject({ AP: 0.45 });
  });

  it('serves a run’s categories, reproducibility record, checkpoints and validation images with ground truth and detections', async () => {
    const created = await http.post('/runs').set(AUTH).send({ name: 'images', config: { dataset, model: cpuModel } });
    const id: string = created.body.id;
    const missingRun = '00000000-0000-4000-8000-000000000000';
    expect((await http.get(`/runs/${id}`).set(AUTH)).body).toMatchObject({ categories: null, reproducibility: null });
    expect((await http.get(`/runs/${id}/checkpoints`).set(AUTH)).body).toEqual([]);
    const noEvaluation = await http.get(`/runs/${id}/images`).set(AUTH);
    expect(noEvaluation.status).toBe(404);
    expect(noEvaluation.body.message).toBe(`final evaluation of run ${id} not found`);

    await store.runs.markRunStarted(id, { attempt: 1, host: 'h', pid: 1, backend: 'cpu', device: 'cpu' });
    const categories = ['circle', 'square', 'triangle', 'cross', 'ring', 'diamond', 'star'].map((name, i) => ({ id: i + 1, name }));
    await store.runs.recordCategories(id, categories);
    const reproducibility = {
      git: { commit: 'c'.repeat(40), dirty: false }, ablateVersion: '0.1.0', tfjsVersion: '4.22.0', nodeVersion: process.versions.node,
      datasets: { train: { uri: dataset.train, sha256: 'd'.repeat(64) }, val: { uri: dataset.val, sha256: 'e'.repeat(64) } },
      recordedAt: new Date().toISOString(),
    };
    await store.runs.recordReproducibility(id, reproducibility);
    await store.checkpoints.saveCheckpoint(id, 5, new Uint8Array(11));
    await store.checkpoints.saveCheckpoint(id, 10, new Uint8Array(13));
    const detections = [
      { image_id: 2, category_id: 3, bbox: [1, 2, 10, 12] as [number, number, number, number], score: 0.9 },
      { image_id: 2, category_id: 1, bbox: [4, 4, 5, 5] as [number, number, number, number], score: 0.2 },
      { image_id: 3, category_id: 2, bbox: [0, 0, 8, 8] as [number, number, number, number], score: 0.5 },
    ];
    await store.evaluations.saveEvaluation(id, { dataset: dataset.val, step: 10, stats: { bbox: stats(0.3) }, perClass: { bbox: [{ categoryId: 3, ap: 0.3 }] }, detections });
    await store.runs.finishRun(id, 'completed', { step: 10 });

    const run = await http.get(`/runs/${id}`).set(AUTH);
    expect(run.body).toMatchObject({ categories, reproducibility, finalEvaluation: { perClass: [{ categoryId: 3, name: 'triangle', ap: 0.3 }] } });
    const evaluation = await http.get(`/evaluations/${run.body.finalEvaluation.id}`).set(AUTH);
    expect(evaluation.body.perClass).toEqual([{ categoryId: 3, name: 'triangle', ap: 0.3 }]);
    const checkpoints = await http.get(`/runs/${id}/checkpoints`).set(AUTH);
    expect(checkpoints.body.map(({ step, bytes }: { step: number; bytes: number }) => ({ step, bytes }))).toEqual([{ step: 5, bytes: 11 }, { step: 10, bytes: 13 }]);

    const page = await http.get(`/runs/${id}/images`).set(AUTH).query({ limit: 2, offset: 1 });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ dataset: dataset.val, step: 10, total: 4, limit: 2, offset: 1 });
    expect(page.body.images.map((i: { id: number; fileName: string; width: number; detections: number }) => [i.id, i.fileName, i.width, i.detections])).toEqual([[2, '2.png', 32, 2], [3, '3.png', 32, 1]]);
    const gtBoxes: number = page.body.images[0].groundTruthBoxes;
    expect((await http.get(`/runs/${id}/images`).set(AUTH).query({ limit: 0 })).body.issues).toEqual([{ path: 'query.limit', message: 'must be an integer in [1, 500]' }]);

    const png = await http.get(`/runs/${id}/images/2`).set(AUTH);
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    const decoded = await sharp(png.body as Buffer).raw().toBuffer({ resolveWithObject: true });
    expect([decoded.info.width, decoded.info.height, decoded.info.channels]).toEqual([32, 32, 3]);

    const annotations = await http.get(`/runs/${id}/images/2/annotations`).set(AUTH);
    expect(annotations.status).toBe(200);
    expect(annotations.body.image).toMatchObject({ id: 2, width: 32, height: 32, groundTruthBoxes: gtBoxes, detections: 2 });
    expect(annotations.body.detections).toEqual(detections.slice(0, 2));
    expect(annotations.body.groundTruth).toHaveLength(gtBoxes);
    // Synthetic shapes carry their instance masks: RLE at the image's size.
    expect(annotations.body.groundTruth[0]).toMatchObject({ iscrowd: 0, segmentation: { size: [32, 32], counts: expect.any(String) } });

    const noImage = await http.get(`/runs/${id}/images/99`).set(AUTH);
    expect(noImage.status).toBe(404);
    expect(noImage.body.message).toBe(`image 99 of dataset ${dataset.val} not found`);
    expect((await http.get(`/runs/${id}/images/99/annotations`).set(AUTH)).status).toBe(404);
    expect((await http.get(`/runs/${missingRun}/images/1`).set(AUTH)).body.message).toBe(`run ${missingRun} not found`);
    expect((await http.get(`/runs/${missingRun}/checkpoints`).set(AUTH)).status).toBe(404);
    expect((await http.get(`/runs/${missingRun}/images`).set(AUTH)).status).toBe(404);
    const badId = await http.get(`/runs/${id}/images/x1`).set(AUTH);
    expect(badId.status).toBe(400);
    expect(badId.body.issues).toEqual([{ path: 'imageId', message: expect.stringMatching(/must be an integer/) }]);

    // A dataset outside the data root (a row written by hand) is never read: 404 saying why.
    const outside = await http.post('/runs').set(AUTH).send({ config: { dataset, model: cpuModel } });
    await store.evaluations.saveEvaluation(outside.body.id, { dataset: 'coco:../../etc/passwd', step: 1, stats: { bbox: stats(0) } });
    const escape = await http.get(`/runs/${outside.body.id}/images/1`).set(AUTH);
    expect(escape.status).toBe(404);
    expect(escape.body.message).toMatch(/'\.\.' is not allowed/);
    expect(escape.body.message).not.toMatch(/root:/);
  });

  it('cancels a lone queued run and removes its job', async () => {
    const created = await http.post('/runs').set(AUTH).send({ config: { dataset, model: cpuModel } });
    const id: string = created.body.id;
    expect(await train.getJob(id)).toBeDefined();
    const res = await http.post(`/runs/${id}/cancel`).set(AUTH);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ cancelled: true, stopping: false, removedJobs: 1, run: { status: 'cancelled' } });
    expect(await train.getJob(id)).toBeUndefined();
  });

  it('builds the ablation table from seeded evaluations: mean ± std over seeds', async () => {
    const res = await http.post('/sweeps').set(AUTH).send({ ...focal('table'), dataset: { ...dataset, train: `${dataset.train}&images=9` } });
    const sweepId: string = res.body.id;
    const runs = await store.sweeps.runsOf(sweepId);
    // Expansion order (γ, α, seed): (0,.25,0) (0,.25,1) (0,.75,0) (0,.75,1) (2,.25,0) (2,.25,1) (2,.75,0) (2,.75,1)
    const aps = [0.3, 0.34, 0.2, 0.22, 0.36, 0.36, 0.31, 0.35];
    for (const [i, r] of runs.entries()) {
      await store.runs.markRunStarted(r.id, { attempt: 1, host: 'h', pid: 1, backend: 'cpu', device: 'cpu' });
      await store.evaluations.saveEvaluation(r.id, { dataset: dataset.val, step: 20, stats: { bbox: stats(aps[i]) } });
      await store.runs.finishRun(r.id, 'completed', { step: 20 });
    }
    const md = await http.get(`/sweeps/${sweepId}/ablation`).set(AUTH).query({ rows: 'gamma', cols: 'alpha', metric: 'AP', format: 'md' });
    expect(md.status).toBe(200);
    expect(md.headers['content-type']).toMatch(/text\/markdown/);
    // γ=0: α=.25 (0.30+0.34)/2 = 0.32, std sqrt((0.02²+0.02²)/1) = 0.0283 → "32.0 ± 2.8"; α=.75 0.21 ± 0.0141 → "21.0 ± 1.4"
    // γ=2: α=.25 0.36 ± 0 → "36.0 ± 0.0"; α=.75 (0.31+0.35)/2 = 0.33 ± 0.0283 → "33.0 ± 2.8"
    expect(md.text).toContain('| loss.gamma | loss.alpha=0.25 | loss.alpha=0.75 |');
    expect(md.text).toContain('| 0 | 32.0 ± 2.8 | 21.0 ± 1.4 |');
    expect(md.text).toContain('| 2 | 36.0 ± 0.0 | 33.0 ± 2.8 |');

    const json = await http.get(`/sweeps/${sweepId}/ablation`).set(AUTH);
    expect(json.body.mode).toBe('list');
    expect(json.body.rows).toEqual(['loss.gamma', 'loss.alpha']);
    expect(json.body.entries).toHaveLength(4);
    // AP50 = AP + 0.1: γ=0, α=.75 → 0.31
    expect(json.body.entries[1].cells.AP50.mean).toBeCloseTo(0.31, 10);
    // Rows by γ alone would average runs of different α: refused unless α is pooled by name.
    const unpooled = await http.get(`/sweeps/${sweepId}/ablation`).set(AUTH).query({ rows: 'gamma', format: 'csv' });
    expect(unpooled.status).toBe(409);
    expect(unpooled.body.message).toMatch(/differ in loss\.alpha \(0\.25 vs 0\.75\)/);
    const csv = await http.get(`/sweeps/${sweepId}/ablation`).set(AUTH).query({ rows: 'gamma', pool: 'alpha', format: 'csv' });
    // γ=0 pools α and seeds: (0.30 + 0.34 + 0.20 + 0.22) / 4 = 0.265; no run failed
    expect(csv.text.split('\n')[1]).toMatch(/^0,4,0,0\.265/);

    const html = await http.get(`/sweeps/${sweepId}/ablation`).set(AUTH).query({ format: 'html' });
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.text).toContain('<svg');

    const cross = await http.get('/ablation').set(AUTH).query({ dataset: `${dataset.train}&images=9`, rows: 'gamma', cols: 'alpha' });
    expect(cross.status).toBe(200);
    expect(cross.body.samples).toBe(8);
    // These runs have no masks: a segm metric is, like an unknown one, a 400 naming the metrics they have.
    const segm = await http.get(`/sweeps/${sweepId}/ablation`).set(AUTH).query({ rows: 'gamma', cols: 'alpha', metric: 'segm.AP' });
    expect(segm.status).toBe(400);
    expect(segm.body.message).toMatch(/^metric: unknown metric segm\.AP; one of AP, AP50, .*AR100/);
    const bad = await http.get(`/sweeps/${sweepId}/ablation`).set(AUTH).query({ rows: 'gamma', cols: 'alpha', metric: 'maskAP' });
    expect(bad.status).toBe(400);
  });
});

describe('recipes', () => {
  const recipeDataset = { train: `synthetic:shapes?images=8&size=32&seed=${trainSeed}&split=train`, val: 'synthetic:shapes?images=4&size=32&seed=1&split=val' };
  const stats = (AP: number): EvaluationStats => ({ ...(Object.fromEntries(EVALUATION_STAT_NAMES.map((k) => [k, 0.5])) as EvaluationStats), AP });

  it('lists the recipes with the runs each makes at its default budget', async () => {
    const res = await http.get('/recipes').set(AUTH);
    expect(res.status).toBe(200);
    const alpha = res.body.find((r: { name: string }) => r.name === 'retinanet-1a');
    expect(alpha).toMatchObject({ rows: ['loss.alpha'], cols: null, metric: 'AP', runs: 14, steps: 600, seeds: 2, paper: { source: { table: 'Table 1a' }, better: 'higher' } });
    expect(res.body.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['retinanet-1b', 'retinanet-1c', 'efficientdet-fusion', 'efficientdet-phi', 'mask-rcnn-2c', 'mask-rcnn-2b', 'rpn-features', 'groupnorm-batch']));
  });

  it('refuses an unknown recipe and bad overrides, naming them', async () => {
    const unknown = await http.post('/recipes/nope/sweeps').set(AUTH).send({});
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/^recipe nope \(recipes: demo, retinanet-1a, /);
    const bad = await http.post('/recipes/retinanet-1a/sweeps').set(AUTH).send({ budget: 0, seeds: 2.5, steps: 3 });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['budget', 'seeds', 'steps']);
    const both = await http.post('/recipes/retinanet-1a/sweeps').set(AUTH).send({ budget: 5, cpuMinutes: 1 });
    expect(both.status).toBe(400);
    expect(both.body.message).toMatch(/cpuMinutes: give budget \(steps\) or cpuMinutes, not both/);
  });

  it('fits a CPU-minute budget from steps it times, as a dry run of the same sweep costs them', async () => {
    const tiny = await http.post('/recipes/retinanet-1a/sweeps').set(AUTH).send({ dataset: recipeDataset, seeds: 1, cpuMinutes: 1e-6 });
    expect(tiny.status).toBe(400);
    expect(tiny.body.message).toMatch(/cpuMinutes: 0\.000001 CPU-min cannot train one step of each of the 7 runs \(that costs [\d.e-]+ CPU-min\)/);
    const res = await http.post('/recipes/retinanet-1a/sweeps').set(AUTH).send({ dataset: recipeDataset, seeds: 1, cpuMinutes: 0.5 });
    expect(res.status).toBe(201);
    const steps: number[] = res.body.runs.map((r: { totalSteps: number }) => r.totalSteps);
    expect(new Set(steps).size).toBe(1);
    // The same sweep at that budget, and one step more, as the API's dry run costs them (its step timings are cached per model).
    const costAt = async (budget: number) => {
      const plan = await http.post('/sweeps').query({ dryRun: 'true' }).set(AUTH).send(recipeSweepSpec(findRecipe('retinanet-1a')!, { dataset: recipeDataset, seeds: 1, budget }));
      expect(plan.status).toBe(200);
      return (plan.body.cost.coreHours as number) * 60;
    };
    expect(await costAt(steps[0]!)).toBeLessThanOrEqual(0.5 + 1e-9);
    expect(await costAt(steps[0]! + 1)).toBeGreaterThan(0.5 - 1e-9);
  });

  it('submits a recipe scaled by its overrides and compares its ended runs with the paper', async () => {
    const res = await http.post('/recipes/retinanet-1a/sweeps').set(AUTH).send({ dataset: recipeDataset, budget: 5, seeds: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'recipe retinanet-1a', tags: ['recipe:retinanet-1a'], status: 'queued' });
    expect(res.body.runs).toHaveLength(14);
    const sweepId: string = res.body.id;
    expect(await train.getJob(res.body.runs[0].id)).toBeDefined();

    const before = await http.get(`/recipes/retinanet-1a/sweeps/${sweepId}/comparison`).set(AUTH);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ samples: 0, spearman: { rho: null, n: 0 }, best: { agree: null } });

    // Expansion order (α, seed); AP = the paper's AP / 100, + 0.01 for seed 1: the same order as the paper's.
    const paperAp = [0.0, 10.8, 30.2, 31.1, 30.8, 28.7, 25.1];
    const runs = await store.sweeps.runsOf(sweepId);
    for (const [i, r] of runs.entries()) {
      await store.runs.markRunStarted(r.id, { attempt: 1, host: 'h', pid: 1, backend: 'cpu', device: 'cpu' });
      await store.evaluations.saveEvaluation(r.id, { dataset: recipeDataset.val, step: 5, stats: { bbox: stats(paperAp[Math.floor(i / 2)]! / 100 + (i % 2) * 0.01) } });
      await store.runs.finishRun(r.id, 'completed', { step: 5 });
    }
    const after = await http.get(`/recipes/retinanet-1a/sweeps/${sweepId}/comparison`).set(AUTH);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ recipe: 'retinanet-1a', sweepId, metric: 'AP', axes: ['loss.alpha'], samples: 14, spearman: { rho: 1, n: 7 } });
    expect(after.body.best).toMatchObject({ paper: { 'loss.alpha': 0.75 }, ablate: { 'loss.alpha': 0.75 }, agree: true });
    expect(after.body.markdown).toContain('| 0.75 | 31.1 | 31.6 ± 0.7 (n=2) |');

    // A sweep of other axes cannot be set beside this table.
    const other = await http.post('/recipes/efficientdet-phi/sweeps').set(AUTH).send({ dataset: recipeDataset, budget: 2, seeds: 1 });
    expect(other.status).toBe(201);
    const mismatch = await http.get(`/recipes/retinanet-1a/sweeps/${other.body.id}/comparison`).set(AUTH);
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.message).toBe(`sweep ${other.body.id} varies model.phi; recipe retinanet-1a compares loss.alpha`);
  });
});

describe('the contract', () => {
  it('was met by every route: each answered a success above, parsed exactly with its schema of @ablate/contract', () => {
    const missed = Object.values(routes).filter((r: RouteDefinition) => !answered.has(r)).map(routeLabel);
    expect(missed).toEqual([]);
  });
});
