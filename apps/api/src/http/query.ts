import type { z } from 'zod';
import { fieldPath, type ParsedQueryOf, type RouteDefinition } from '@ablate/contract';
import { ValidationError } from '@ablate/jobs';

/**
 * The path parameters of a request parsed with its route's schema in @ablate/contract, or a 400
 * naming each bad one (`imageId`), as UuidPipe names `id`.
 */
export function parseParams<R extends RouteDefinition & { params: z.ZodObject }>(route: R, raw: Record<string, string>): z.output<R['params']> {
  const result = route.params.safeParse(raw);
  if (!result.success) {
    throw new ValidationError(result.error.issues.map((i) => ({ path: fieldPath(i.path), message: i.message })), 'path parameter');
  }
  return result.data as z.output<R['params']>;
}

/**
 * The query of a request parsed with its route's schema in @ablate/contract (the one the OpenAPI
 * document shows), or a 400 naming each bad parameter as `query.<name>`.
 */
export function parseQuery<R extends RouteDefinition & { query: z.ZodObject }>(route: R, raw: unknown): ParsedQueryOf<R> {
  const result = route.query.safeParse(raw ?? {});
  if (!result.success) {
    throw new ValidationError(result.error.issues.map((i) => ({ path: `query.${fieldPath(i.path)}`, message: i.message })), 'query');
  }
  return result.data as ParsedQueryOf<R>;
}
