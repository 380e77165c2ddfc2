import type { z } from 'zod';

/** One problem with a request: the dotted path of the offending field and what is wrong with it. */
export interface FieldIssue {
  /** Dotted path in the submitted document, array indices in brackets: `grid.gamma[2]`, `base.loss.alpha`. */
  path: string;
  message: string;
}

/**
 * A user error in a submitted document (sweep spec, run, evaluation request, job payload).
 * Carries every offending field so the API can answer 400 with all of them at once.
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';

  constructor(
    readonly issues: FieldIssue[],
    what = 'request',
  ) {
    super(`invalid ${what}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
  }
}

/** `['grid', 'gamma', 2, 'x']` → `grid.gamma[2].x`; a prefix is joined with a dot. */
export function formatPath(segments: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? String(s) : `.${String(s)}`;
  }
  return out;
}

/**
 * Flattens zod issues to field issues. Unrecognised keys are reported one per key, at the key's
 * own path, so `{"loss": {"gama": 1}}` names `loss.gama` rather than `loss`.
 */
export function issuesFromZod(error: z.ZodError, prefix = ''): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...issue.path, key], prefix), message: 'unknown field' });
    } else {
      out.push({ path: formatPath(issue.path, prefix), message: issue.message });
    }
  }
  return out;
}

/** Parses `input` with `schema` or throws a ValidationError naming every offending field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(issuesFromZod(result.error, prefix), what);
  return result.data;
}
