/**
 * The CLI's client of Ablate's REST API: it calls a route of @ablate/contract's table and
 * resolves to the response parsed with that route's schema (typed: no hand-written shapes). The
 * API key travels as a bearer token; an error status rejects with ApiError carrying the server's
 * message (the API names offending fields in 4xx bodies); a response the contract does not
 * describe rejects with ContractViolation naming the route and the field.
 */
import {
  BinarySchema,
  ContractViolation,
  mediaType,
  parseResponse,
  routeLabel,
  routeUrl,
  type ParamsOf,
  type QueryOf,
  type ResponseOf,
  type RouteDefinition,
} from '@ablate/contract';

/** Where the API is and how to authenticate. */
export interface ApiTarget {
  /** Base URL. `--api`, else env `ABLATE_API_URL`. @defaultValue 'http://127.0.0.1:3000' */
  url: string;
  /** API key. `--key`, else env `ABLATE_API_KEY`. */
  key?: string;
}

/** The API answered with an error status; `status` is the HTTP status (0: unreachable), the message the server's. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function apiTarget(options: { api?: string; key?: string }, env: NodeJS.ProcessEnv = process.env): ApiTarget {
  return { url: (options.api ?? env.ABLATE_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''), key: options.key ?? env.ABLATE_API_KEY };
}

function messageOf(status: number, body: string): string {
  try {
    const json = JSON.parse(body) as { message?: unknown; issues?: { path: string; message: string }[] };
    if (Array.isArray(json.issues) && json.issues.length > 0) return json.issues.map((i) => `${i.path}: ${i.message}`).join('\n');
    if (Array.isArray(json.message)) return json.message.join('\n');
    if (typeof json.message === 'string') return json.message;
  } catch {
    // not JSON: fall through to the raw body
  }
  return body.trim() || `HTTP ${status}`;
}

/** What a call sends besides the route: its path parameters, query, body and headers. */
export interface CallOptions<R extends RouteDefinition> {
  params?: ParamsOf<R>;
  query?: QueryOf<R>;
  /** The request body (JSON); the API validates it and names each bad field. */
  body?: R['body'] extends string ? unknown : never;
  headers?: Record<string, string>;
}

/** Calls `route` of @ablate/contract; resolves to its parsed response, rejects with ApiError or ContractViolation. */
export async function callRoute<R extends RouteDefinition>(target: ApiTarget, route: R, options: CallOptions<R> = {}): Promise<ResponseOf<R>> {
  const path = routeUrl(route, options.params, options.query);
  let res: Response;
  try {
    res = await fetch(`${target.url}${path}`, {
      method: route.method,
      headers: {
        ...(target.key ? { authorization: `Bearer ${target.key}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
  } catch (err) {
    throw new ApiError(0, `cannot reach the API at ${target.url}: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }
  const type = mediaType(res.headers.get('content-type'));
  if (!res.ok) throw new ApiError(res.status, `${route.method} ${path}: ${res.status} ${messageOf(res.status, await res.text())}`);
  if ((route.responses as Record<string, unknown>)[type] === BinarySchema) return parseResponse(route, type, new Uint8Array(await res.arrayBuffer()));
  const text = await res.text();
  let body: unknown = text;
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new ContractViolation(routeLabel(route), [{ path: '(body)', message: `not JSON (${(err as Error).message})` }]);
    }
  }
  return parseResponse(route, type, body);
}
