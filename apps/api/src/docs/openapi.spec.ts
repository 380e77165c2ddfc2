import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { openApiPath, routes } from '@ablate/contract';
import { createTemporaryDatabase, dropRedisPrefix, type TemporaryDatabase } from '@ablate/store/testing';
import { createApiApp, type ApiApp } from '../create-api-app';

const KEY = 'openapi-key';
const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const prefix = `ablate-test-openapi-${randomBytes(4).toString('hex')}`;

let db: TemporaryDatabase;
let api: ApiApp;

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_openapi');
  api = await createApiApp({ databaseUrl: db.url, redisUrl, queuePrefix: prefix, apiKeys: [KEY], reconcileEveryMs: 0, logger: false });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
  await dropRedisPrefix(redisUrl, prefix);
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * `GET /sweeps/{id}` for every route Express has registered (Nest's controllers), whatever the docs
 * say; but the docs' own pages (/docs, /docs-json, /docs-yaml). The dashboard at /queues is
 * middleware, not a route.
 */
function registeredRoutes(): string[] {
  const express = api.app.getHttpAdapter().getInstance() as { router: { stack: Layer[] } };
  return express.router.stack
    .filter((layer) => layer.route)
    .flatMap((layer) => Object.keys(layer.route!.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${openApiPath(layer.route!.path)}`))
    .filter((route) => !/^\S+ \/docs([-/]|$)/.test(route));
}

type Operation = { summary?: string; parameters?: { name: string; in: string }[]; responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> };

describe('the OpenAPI document', () => {
  it('documents a response schema for every route the app registers, from @ablate/contract', async () => {
    const doc = (await request(api.app.getHttpServer()).get('/docs-json').set('Authorization', `Bearer ${KEY}`)).body as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, unknown> };
    };
    const registered = registeredRoutes();
    expect(registered.length).toBe(Object.keys(routes).length);
    for (const key of registered) {
      const [method, path] = key.split(' ') as [string, string];
      const operation = doc.paths[path]?.[method.toLowerCase()];
      expect(operation, key).toBeDefined();
      const successes = Object.entries(operation!.responses).filter(([status]) => /^2\d\d$/.test(status));
      expect(successes.length, `${key} has no success response`).toBeGreaterThan(0);
      for (const [status, response] of successes) {
        const contents = Object.entries(response.content ?? {});
        expect(contents.length, `${key} ${status} has no content`).toBeGreaterThan(0);
        for (const [type, { schema }] of contents) {
          expect(schema, `${key} ${status} ${type}`).toBeDefined();
          const ref = schema!['$ref'] as string | undefined;
          if (ref) expect(doc.components.schemas[ref.replace('#/components/schemas/', '')], `${key} → ${ref}`).toBeDefined();
        }
      }
      expect(operation!.responses['default'], `${key} documents its errors`).toBeDefined();
    }
  });

  it('declares the query parameters and the request bodies of the contract', async () => {
    const doc = (await request(api.app.getHttpServer()).get('/docs-json').set('Authorization', `Bearer ${KEY}`)).body;
    const list = doc.paths['/sweeps'].get as Operation;
    expect(list.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(['query:limit', 'query:offset', 'query:tag', 'query:status', 'query:q']);
    for (const [path, component] of [['/sweeps/{id}', 'SweepPatch'], ['/runs/{id}', 'RunPatch']] as const) {
      expect(doc.paths[path].patch.requestBody.content['application/json'].schema).toEqual({ $ref: `#/components/schemas/${component}` });
      expect(doc.components.schemas[component]).toMatchObject({ additionalProperties: false, properties: { tags: { type: 'array', maxItems: 32 }, note: { maxLength: 10_000 } } });
    }
    expect(doc.paths['/ablation'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cols', 'dataset', 'format', 'metric', 'pool', 'rows']);
    expect(doc.paths['/sweeps'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SweepSpec' });
    expect(doc.components.schemas.SweepSpec.properties.grid).toBeDefined();
    expect(doc.components.schemas.SweepDetail.properties.runs).toEqual({ type: 'array', items: { $ref: '#/components/schemas/RunLine' } });
    expect(doc.paths['/runs/{id}/checkpoint'].get.responses['200'].content['application/octet-stream'].schema).toEqual({ type: 'string', format: 'binary' });
    expect(doc.paths['/health'].get.security).toEqual([]);
    expect(doc.paths['/metrics'].get.security).toEqual([{ bearer: [] }]);
  });
});
