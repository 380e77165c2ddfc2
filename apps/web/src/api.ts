import { mediaType, parseResponse, routeLabel, routeUrl, type JsonResponseOf, type ParamsOf, type QueryOf, type RouteDefinition } from '@ablate/contract';

/**
 * The console's one way to the API: a route of @ablate/contract, its parameters, and the parsed,
 * typed response. The key travels in the HttpOnly cookie the login page set (same origin), never
 * in script-visible storage or a URL.
 */

/** The API answered with an error: its status and the message it gave. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface CallArgs<R extends RouteDefinition> {
  params?: ParamsOf<R>;
  query?: QueryOf<R>;
  body?: unknown;
}

/** Where the console goes when the cookie is missing or no longer valid. */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; issues?: { path: string; message: string }[] };
    if (Array.isArray(body.issues) && body.issues.length > 0) return body.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    if (typeof body.message === 'string') return body.message;
    if (Array.isArray(body.message)) return body.message.join('; ');
  } catch {
    // not JSON
  }
  return text || 'no message';
}

/** Calls `route`; resolves to its JSON response, parsed by the contract. */
export async function call<R extends RouteDefinition>(route: R, args: CallArgs<R> = {}): Promise<JsonResponseOf<R>> {
  const res = await fetch(routeUrl(route, args.params, args.query), {
    method: route.method,
    credentials: 'same-origin',
    headers: args.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    body: args.body === undefined ? undefined : JSON.stringify(args.body),
  });
  const text = await res.text();
  if (res.status === 401 && route.auth) onUnauthorized();
  if (!res.ok) throw new ApiError(res.status, `${routeLabel(route)}: ${res.status} ${messageOf(text)}`);
  const type = res.headers.get('content-type') ?? '';
  const body = mediaType(type) === 'application/json' ? JSON.parse(text) : text;
  return parseResponse(route, type, body) as JsonResponseOf<R>;
}

/** The URL of a route (for links: exports, downloads), with the query filled in. */
export function urlOf<R extends RouteDefinition>(route: R, args: Omit<CallArgs<R>, 'body'> = {}): string {
  return routeUrl(route, args.params, args.query);
}
