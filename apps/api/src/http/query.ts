import { ValidationError } from '@ablate/jobs';

/** An optional integer query parameter within [min, max], or a 400 naming it. */
export function intQuery(name: string, raw: unknown, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ValidationError([{ path: `query.${name}`, message: `must be an integer in [${min}, ${max}]` }]);
  }
  return n;
}

/** An optional string query parameter (a repeated parameter is a 400). */
export function stringQuery(name: string, raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new ValidationError([{ path: `query.${name}`, message: 'must be given once, as a string' }]);
  return raw;
}
