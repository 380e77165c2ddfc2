import type { z } from 'zod';
import type { ParamsOf, QueryOf, ResponseOf, RouteDefinition } from './routes';

/** `GET /sweeps/:id`: how routes are named in messages. */
export function routeLabel(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** `['runs', 0, 'status']` → `runs[0].status`. */
export function fieldPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${String(s)}` : String(s);
  return out || '(root)';
}

/** A response the contract does not describe: names the route and each offending field. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  constructor(
    readonly route: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`${route}: the response does not match the contract: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

/** The path of a route with its parameters filled in (each URI-encoded), and the query string. */
export function routeUrl<R extends RouteDefinition>(route: R, params?: ParamsOf<R>, query?: QueryOf<R>): string {
  const values = (params ?? {}) as Record<string, unknown>;
  const path = route.path.replace(/:([A-Za-z_]\w*)/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${routeLabel(route)}: path parameter ${name} is missing`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) if (v !== undefined) search.set(k, String(v));
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The media type of a Content-Type header (`text/plain; version=0.0.4` → `text/plain`). */
export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Fields of `input` that parsing dropped (keys the schema does not know), as paths. */
function droppedFields(input: unknown, output: unknown, path: PropertyKey[] = [], out: string[] = []): string[] {
  if (Array.isArray(input) && Array.isArray(output)) {
    input.forEach((item, i) => droppedFields(item, output[i], [...path, i], out));
  } else if (isPlainObject(input) && isPlainObject(output)) {
    for (const [k, v] of Object.entries(input)) {
      if (!(k in output)) {
        if (v !== undefined) out.push(fieldPath([...path, k]));
      } else droppedFields(v, output[k], [...path, k], out);
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

export interface ParseResponseOptions {
  /**
   * Also refuse fields the contract does not name. Objects of the contract drop unknown fields,
   * so a client keeps working when the API adds one; the API's own tests parse exactly, so the
   * API cannot send what the contract does not say.
   */
  exact?: boolean;
}

/**
 * Parses a response body of `route` sent as `contentType` (JSON already parsed, text as a
 * string, bytes as a Uint8Array); throws ContractViolation naming the route and the fields.
 */
export function parseResponse<R extends RouteDefinition>(route: R, contentType: string, body: unknown, options: ParseResponseOptions = {}): ResponseOf<R> {
  const type = mediaType(contentType);
  const schema = (route.responses as Record<string, z.ZodType>)[type];
  if (!schema) {
    throw new ContractViolation(routeLabel(route), [{ path: '(content-type)', message: `${type || 'none'} is not one of ${Object.keys(route.responses).join(', ')}` }]);
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ContractViolation(
      routeLabel(route),
      result.error.issues.map((i) => ({ path: fieldPath(i.path), message: i.message })),
    );
  }
  if (options.exact) {
    const dropped = droppedFields(body, result.data);
    if (dropped.length > 0) throw new ContractViolation(routeLabel(route), dropped.map((path) => ({ path, message: 'not in the contract' })));
  }
  return result.data as ResponseOf<R>;
}
