import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ContractViolation, routes, type SweepDetail } from '@ablate/contract';
import { ApiError, apiTarget, callRoute } from './api-client';

/** A real HTTP server standing in for the API, answering what each test sets. */
let server: Server;
let answer: { status: number; type: string; body: string | Buffer };
let seen: { method?: string; path?: string; auth?: string; key?: string; body: string };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen = { method: req.method, path: req.url, auth: req.headers.authorization, key: req.headers['idempotency-key'] as string | undefined, body };
      res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const target = () => ({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, key: 'k1' });
const ID = '6f1c2a9e-8a53-4c1e-9f39-0d7c43f0a111';
const sweep: SweepDetail = {
  id: ID,
  name: 'x',
  description: null,
  status: 'queued',
  dataset: { train: 'synthetic:shapes', val: 'synthetic:shapes?split=val' },
  variedPaths: ['loss.gamma'],
  runCount: 1,
  runCounts: { queued: 1, running: 0, completed: 0, failed: 0, diverged: 0, cancelled: 0, stopped: 0 },
  priority: null,
  tags: [],
  note: '',
  createdAt: '2025-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  cancelRequestedAt: null,
  spec: { name: 'x' },
  progress: { total: 1, ended: 0, fraction: 0, etaSeconds: null },
  runs: [
    { id: '6f1c2a9e-8a53-4c1e-9f39-0d7c43f0a222', index: 0, key: 'loss.gamma=0|seed=0', params: { 'loss.gamma': 0 }, seed: 0, status: 'queued', step: 0, totalSteps: 5, attempts: 0, error: null, worker: null, finalEvaluationId: null },
  ],
};

describe('callRoute', () => {
  it("sends JSON with the bearer key and resolves to the response parsed with the route's schema", async () => {
    answer = { status: 201, type: 'application/json; charset=utf-8', body: JSON.stringify({ ...sweep, notInTheContract: true }) };
    const created = await callRoute(target(), routes.submitSweep, { body: { name: 'x' }, headers: { 'idempotency-key': 'a' } });
    expect(created).toEqual(sweep);
    expect(seen).toEqual({ method: 'POST', path: '/sweeps', auth: 'Bearer k1', key: 'a', body: '{"name":"x"}' });
  });

  it('fills in path parameters and the query, and returns text for text answers (Markdown tables)', async () => {
    answer = { status: 200, type: 'text/markdown; charset=utf-8', body: '| a |\n' };
    expect(await callRoute(target(), routes.sweepAblation, { params: { id: ID }, query: { format: 'md', rows: 'gamma', cols: undefined } })).toBe('| a |\n');
    expect(seen.path).toBe(`/sweeps/${ID}/ablation?format=md&rows=gamma`);
  });

  it('returns bytes for a checkpoint', async () => {
    answer = { status: 200, type: 'application/octet-stream', body: Buffer.from([7, 8, 9]) };
    expect([...(await callRoute(target(), routes.runCheckpoint, { params: { id: ID }, query: { step: 2 } }))]).toEqual([7, 8, 9]);
    expect(seen.path).toBe(`/runs/${ID}/checkpoint?step=2`);
  });

  it('rejects an answer the contract does not describe, naming the route and the fields', async () => {
    const { runs, runCounts: _counts, ...old } = sweep;
    answer = { status: 200, type: 'application/json', body: JSON.stringify({ ...old, runsByStatus: { queued: runs } }) };
    const err = await callRoute(target(), routes.getSweep, { params: { id: ID } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractViolation);
    expect((err as Error).message).toBe(
      'GET /sweeps/:id: the response does not match the contract: runCounts: Invalid input: expected object, received undefined; runs: Invalid input: expected array, received undefined',
    );
    answer = { status: 200, type: 'text/html', body: '<html>' };
    await expect(callRoute(target(), routes.getSweep, { params: { id: ID } })).rejects.toThrow('GET /sweeps/:id: the response does not match the contract: (content-type): text/html is not one of application/json');
  });

  it("rejects with the server's field issues on a 400", async () => {
    answer = { status: 400, type: 'application/json', body: '{"message":"invalid sweep spec","issues":[{"path":"grid.gamma[1]","message":"must be ≥ 0"}]}' };
    const err = await callRoute(target(), routes.submitSweep, { body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).message).toBe('POST /sweeps: 400 grid.gamma[1]: must be ≥ 0');
  });

  it('says where it tried when nothing listens', async () => {
    const err = (await callRoute({ url: 'http://127.0.0.1:9' }, routes.listSweeps).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/^cannot reach the API at http:\/\/127\.0\.0\.1:9/);
  });
});

describe('apiTarget', () => {
  it('takes flags over the environment over the default, and drops a trailing slash', () => {
    expect(apiTarget({}, {})).toEqual({ url: 'http://127.0.0.1:3000', key: undefined });
    expect(apiTarget({}, { ABLATE_API_URL: 'http://h:1/', ABLATE_API_KEY: 'e' })).toEqual({ url: 'http://h:1', key: 'e' });
    expect(apiTarget({ api: 'http://f:2', key: 'f' }, { ABLATE_API_URL: 'http://h:1', ABLATE_API_KEY: 'e' })).toEqual({ url: 'http://f:2', key: 'f' });
  });
});
