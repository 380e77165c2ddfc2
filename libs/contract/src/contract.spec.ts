import * as fs from 'node:fs';
import * as path from 'node:path';
import { COCO_STAT_NAMES, contractComponents, ContractViolation, parseResponse, routeOperation, routes, routeUrl, SweepPatchSchema, type RouteDefinition } from './index';

const stats = (v: number) => Object.fromEntries(COCO_STAT_NAMES.map((k) => [k, v]));
const evaluation = {
  id: '6f1c2a9e-8a53-4c1e-9f39-0d7c43f0a111',
  runId: '6f1c2a9e-8a53-4c1e-9f39-0d7c43f0a222',
  dataset: 'synthetic:shapes?split=val',
  step: 20,
  status: 'completed',
  ...stats(0.5),
  error: null,
  createdAt: '2025-01-01T00:00:00.000Z',
  finishedAt: '2025-01-01T00:01:00.000Z',
  segm: { ...stats(0.4), perClass: [{ categoryId: 1, ap: 0.4 }] },
};

describe('the contract', () => {
  it('imports nothing but zod and its own modules, so a browser can load it', () => {
    for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
      const text = fs.readFileSync(path.join(__dirname, file), 'utf8');
      for (const [, from] of text.matchAll(/from '([^']+)'/g)) expect(from, `${file}: ${from}`).toMatch(/^(zod|\.\/[\w-]+)$/);
    }
  });

  it('builds an OpenAPI operation of every route whose references all resolve', () => {
    const components = contractComponents();
    const known = new Set([...Object.keys(components), 'SweepSpec', 'RunRequest', 'EvaluationRequest']);
    for (const [name, route] of Object.entries(routes) as [string, RouteDefinition][]) {
      const op = routeOperation(route, { scheme: 'bearer' });
      const text = JSON.stringify(op);
      for (const [, ref] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) expect(known.has(ref!), `${name} → ${ref}`).toBe(true);
      for (const status of Object.keys(route.success)) expect(Object.keys((op.responses as Record<string, { content: object }>)[status]!.content), name).toEqual(Object.keys(route.responses));
    }
    expect(JSON.stringify(components)).not.toContain('$schema');
  });

  it('documents query parameters with their bounds and defaults', () => {
    const op = routeOperation(routes.listSweeps, { scheme: 'bearer' }) as { parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[] };
    expect(op.parameters).toEqual([
      expect.objectContaining({ name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } }),
      expect.objectContaining({ name: 'offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 } }),
      expect.objectContaining({ name: 'tag', in: 'query', required: false }),
      expect.objectContaining({ name: 'status', in: 'query', required: false, schema: expect.objectContaining({ enum: expect.arrayContaining(['running', 'completed_with_failures']) }) }),
      expect.objectContaining({ name: 'q', in: 'query', required: false }),
    ]);
    const ablation = routeOperation(routes.datasetAblation, { scheme: 'bearer' }) as { parameters: { name: string; required: boolean; schema: Record<string, unknown> }[] };
    expect(ablation.parameters.find((p) => p.name === 'dataset')?.required).toBe(true);
    expect(ablation.parameters.find((p) => p.name === 'format')?.schema).toMatchObject({ enum: ['json', 'csv', 'md', 'html'], default: 'json' });
    const checkpoint = routeOperation(routes.runCheckpoint, { scheme: 'bearer' }) as { parameters: { name: string; in: string }[]; responses: Record<string, { content: Record<string, { schema: unknown }> }> };
    expect(checkpoint.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id', 'query:step']);
    expect(checkpoint.responses['200']!.content['application/octet-stream']!.schema).toEqual({ type: 'string', format: 'binary' });
  });

  it('parses query strings as the API receives them, with a message naming what is wanted', () => {
    expect(routes.listSweeps.query.parse({})).toEqual({ limit: 50, offset: 0 });
    expect(routes.listSweeps.query.parse({ limit: '7', offset: '3' })).toEqual({ limit: 7, offset: 3 });
    for (const bad of ['0', '501', 'x', '1e2', '5.0', ['1', '2']]) {
      expect(routes.listSweeps.query.safeParse({ limit: bad }).error?.issues, String(bad)).toEqual([expect.objectContaining({ path: ['limit'], message: 'must be an integer in [1, 500]' })]);
    }
    expect(routes.sweepAblation.query.parse({ rows: 'gamma,,alpha', pool: 'seed' })).toEqual({ rows: ['gamma', 'alpha'], pool: ['seed'], format: 'json' });
    expect(routes.sweepAblation.query.safeParse({ cols: ['a', 'b'] }).error?.issues[0]?.message).toBe('must be given once, as a string');
    expect(routes.datasetAblation.query.safeParse({}).error?.issues[0]?.message).toBe('required: the training dataset URI');
  });

  it('parses the list filters: tags comma-separated, one status of the list, a name substring', () => {
    expect(routes.listSweeps.query.parse({ tag: 'a,,b', status: 'running', q: 'focal' })).toEqual({ limit: 50, offset: 0, tag: ['a', 'b'], status: 'running', q: 'focal' });
    expect(routes.listSweeps.query.safeParse({ status: 'done' }).error?.issues[0]?.message).toMatch(/^must be one of queued, running, /);
    expect(routes.listRuns.query.safeParse({ sweepId: 'x' }).error?.issues[0]?.path).toEqual(['sweepId']);
  });

  it('takes tags trimmed, 1–64 characters, at most 32, each once, and a note up to 10,000 characters', () => {
    expect(SweepPatchSchema.parse({ tags: [' baseline ', 'paper-table-1'], note: '' })).toEqual({ tags: ['baseline', 'paper-table-1'], note: '' });
    const issues = (body: unknown) => SweepPatchSchema.safeParse(body).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ tags: ['a', ' a'] })).toEqual(['tags.1: duplicates the tag "a"']);
    expect(issues({ tags: ['  '] })).toEqual(['tags.0: must not be empty']);
    expect(issues({ tags: ['x'.repeat(65)] })).toEqual(['tags.0: must be at most 64 characters']);
    expect(issues({ tags: ['a,b'] })).toEqual(['tags.0: must not contain a comma (?tag=a,b lists tags)']);
    expect(issues({ tags: Array.from({ length: 33 }, (_, i) => `t${i}`) })).toEqual(['tags: must list at most 32 tags']);
    expect(issues({ note: 'n'.repeat(10_001) })).toEqual(['note: must be at most 10000 characters']);
    expect(SweepPatchSchema.safeParse({ name: 'renamed' }).error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('fills in path parameters and the query string', () => {
    expect(routeUrl(routes.sweepAblation, { id: 'a/b' }, { format: 'md', rows: 'gamma', cols: undefined })).toBe('/sweeps/a%2Fb/ablation?format=md&rows=gamma');
    expect(routeUrl(routes.listSweeps, {}, { limit: 5 })).toBe('/sweeps?limit=5');
  });

  it('validates evaluations with bbox stats flat and each other iou type nested, a future one included', () => {
    expect(parseResponse(routes.getEvaluation, 'application/json', evaluation, { exact: true })).toEqual(evaluation);
    // pycocotools' keypoint stats are not segm's 12, and a bbox metric may be added flat.
    const keypoints = { ...evaluation, AP60: 0.45, keypoints: { AP: 0.3, AP50: 0.5, AP75: 0.2, APm: 0.3, APl: 0.3, AR: 0.4, AR50: 0.6, AR75: 0.3, ARm: 0.4, ARl: 0.4, perClass: null } };
    expect(parseResponse(routes.getEvaluation, 'application/json', keypoints, { exact: true })).toEqual(keypoints);
    expect(() => parseResponse(routes.getEvaluation, 'application/json', { ...evaluation, iouType: 'bbox' })).toThrow(/GET \/evaluations\/:id: .*iouType/);
  });

  it('names the route and the field of a response that does not match', () => {
    const err = (() => {
      try {
        parseResponse(routes.getEvaluation, 'application/json; charset=utf-8', { ...evaluation, segm: { ...evaluation.segm, AP: 'high' } });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ContractViolation);
    expect((err as ContractViolation).message).toBe('GET /evaluations/:id: the response does not match the contract: segm.AP: Invalid input: expected number, received string');
    expect(() => parseResponse(routes.metrics, 'text/html', 'x')).toThrow('GET /metrics: the response does not match the contract: (content-type): text/html is not one of text/plain');
  });

  it('drops unknown fields for clients, and refuses them when parsing exactly', () => {
    const extra = { ...evaluation, segm: { ...evaluation.segm, perClass: [{ categoryId: 1, ap: 0.4, iou: 0.5 }] } };
    expect(parseResponse(routes.getEvaluation, 'application/json', extra).segm?.perClass).toEqual([{ categoryId: 1, ap: 0.4 }]);
    expect(() => parseResponse(routes.getEvaluation, 'application/json', extra, { exact: true })).toThrow('GET /evaluations/:id: the response does not match the contract: segm.perClass[0].iou: not in the contract');
  });
});
