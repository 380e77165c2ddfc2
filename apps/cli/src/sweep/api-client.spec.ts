import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, apiRequest, apiTarget } from './api-client';

/** A real HTTP server standing in for the API, answering what each test sets. */
let server: Server;
let answer: { status: number; type: string; body: string };
let seen: { method?: string; path?: string; auth?: string; body: string };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen = { method: req.method, path: req.url, auth: req.headers.authorization, body };
      res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const target = () => ({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, key: 'k1' });

describe('apiRequest', () => {
  it('sends JSON with the bearer key and parses JSON back', async () => {
    answer = { status: 201, type: 'application/json', body: '{"id":"abc"}' };
    expect(await apiRequest(target(), 'POST', '/sweeps', { name: 'x' })).toEqual({ id: 'abc' });
    expect(seen).toEqual({ method: 'POST', path: '/sweeps', auth: 'Bearer k1', body: '{"name":"x"}' });
  });

  it('returns text for non-JSON answers (Markdown tables)', async () => {
    answer = { status: 200, type: 'text/markdown', body: '| a |\n' };
    expect(await apiRequest(target(), 'GET', '/sweeps/s/ablation?format=md')).toBe('| a |\n');
  });

  it("rejects with the server's field issues on a 400", async () => {
    answer = { status: 400, type: 'application/json', body: '{"message":"invalid sweep spec","issues":[{"path":"grid.gamma[1]","message":"must be ≥ 0"}]}' };
    const err = await apiRequest(target(), 'POST', '/sweeps', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).message).toBe('POST /sweeps: 400 grid.gamma[1]: must be ≥ 0');
  });

  it('says where it tried when nothing listens', async () => {
    const err = (await apiRequest({ url: 'http://127.0.0.1:9' }, 'GET', '/sweeps').catch((e: unknown) => e)) as ApiError;
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
