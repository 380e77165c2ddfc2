import type { FieldIssue } from '@ablate/jobs';

/**
 * How deep a request body may nest. A SweepSpec nests 5–6 levels (grid → value → anchor sizes);
 * 10,000 nested arrays in a grid value once reached the validator and PostgreSQL as a 500.
 */
export const MAX_BODY_DEPTH = 32;

/** `grid.gamma[1]` style, as the validator names fields. */
function child(path: string, key: string | number): string {
  return typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored (PostgreSQL's text and jsonb refuse both), or null. */
function stringProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(s)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return null;
}

/**
 * The first problem of a parsed JSON body that no schema would report before the database or the
 * stack did: nesting deeper than MAX_BODY_DEPTH, or a string (value or key) that is not storable
 * text. Iterative, so a hostile depth cannot overflow the stack here either.
 */
export function bodyShapeIssue(body: unknown): FieldIssue | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) return { path: path || 'body', message: problem };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return { path: path || 'body', message: `nests deeper than ${MAX_BODY_DEPTH} levels` };
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [key, v] of entries) {
      const keyProblem = typeof key === 'string' ? stringProblem(key) : null;
      if (keyProblem) return { path: path || 'body', message: `a key ${keyProblem}` };
      stack.push({ value: v, path: child(path, key), depth: depth + 1 });
    }
  }
  return null;
}
