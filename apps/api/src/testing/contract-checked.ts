import type request from 'supertest';
import { ErrorBodySchema, mediaType, parseResponse, routeLabel, routes, type RouteDefinition } from '@ablate/contract';

type Agent = ReturnType<typeof request>;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const matchers = Object.values(routes).map((route: RouteDefinition) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/:[A-Za-z_]\w*/g, '[^/]+')}/?$`),
}));

/** The route of the contract a request went to, if any (/docs, /queues and unknown paths have none). */
function routeOf(method: string, url: string): RouteDefinition | undefined {
  const path = new URL(url, 'http://localhost').pathname;
  return matchers.find((m) => m.route.method === method && m.pattern.test(path))?.route;
}

interface CheckedResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text: string;
}

/**
 * Checks one response against @ablate/contract, exactly (a field the contract does not name
 * fails too): a success status must be one the route declares and its body parse with the
 * route's schema for its content type; a JSON error must be an ErrorBody.
 */
export function checkAgainstContract(method: string, url: string, res: CheckedResponse): RouteDefinition | undefined {
  const route = routeOf(method, url);
  if (!route) return undefined;
  const type = mediaType(res.headers['content-type']);
  if (res.status >= 400) {
    if (type === 'application/json') parseResponse({ ...route, responses: { 'application/json': ErrorBodySchema } }, type, res.body, { exact: true });
    return undefined;
  }
  if (!(res.status in route.success)) throw new Error(`${routeLabel(route)} answered ${res.status}, not one of ${Object.keys(route.success).join(', ')}`);
  const body = type === 'application/json' || Buffer.isBuffer(res.body) ? res.body : res.text;
  parseResponse(route, type, body, { exact: true });
  return route;
}

/**
 * A supertest agent whose every response is checked with {@link checkAgainstContract} before the
 * test sees it; `answered` collects the routes that answered with a success, so a spec can
 * require every route of the contract to have been exercised.
 */
export function contractChecked(agent: Agent, answered: Set<RouteDefinition>): Agent {
  return new Proxy(agent, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !(METHODS as readonly string[]).includes(prop) || typeof value !== 'function') return value;
      return (url: string, ...rest: unknown[]) => {
        const test = (value as (...args: unknown[]) => PromiseLike<CheckedResponse>).call(target, url, ...rest);
        type Then = (this: unknown, onFulfilled?: (res: CheckedResponse) => unknown, onRejected?: (err: unknown) => unknown) => Promise<unknown>;
        const then = test.then as unknown as Then;
        (test as unknown as { then: Then }).then = function (onFulfilled, onRejected) {
          return then
            .call(this, (res: CheckedResponse) => {
              const route = checkAgainstContract(prop.toUpperCase(), url, res);
              if (route) answered.add(route);
              return res;
            })
            .then(onFulfilled as ((value: unknown) => unknown) | undefined, onRejected);
        };
        return test;
      };
    },
  });
}
