import { mulberry32 } from '@ablate/detection';
import { sobolPoints, SOBOL_MAX_DIMENSIONS } from './sobol';
import type { ConfigPath } from './config-paths';
import type { FieldIssue } from './validation-error';

/**
 * The search space of a `random` or `sobol` sweep: each parameter a distribution, sampled
 * `budget` times. Ray Tune's and Optuna's vocabulary: a list (or `{choice: […]}`) picks one of its
 * values, `{uniform: [lo, hi]}`, `{loguniform: [lo, hi]}` and `{int: [lo, hi]}` draw from the
 * interval (bounds included), `q` rounds to a multiple of q inside the bounds.
 */
export type Distribution =
  | { choice: unknown[] }
  | { uniform: [number, number]; q?: number }
  | { loguniform: [number, number]; q?: number }
  | { int: [number, number]; q?: number };

/** The names of the kinds, as the spec writes them. */
export const DISTRIBUTION_KINDS = ['choice', 'uniform', 'loguniform', 'int'] as const;

/** One axis of a validated space. */
export interface SpaceAxis {
  /** The key as the user wrote it (alias or path). */
  key: string;
  path: ConfigPath;
  distribution: Distribution;
}

const KIND_HELP = 'a list of values, or one of {choice: [...]}, {uniform: [lo, hi]}, {loguniform: [lo, hi]}, {int: [lo, hi]}, each with an optional q';

/** Parses one axis of `space`; issues name `where` (`space.gamma`). */
export function parseDistribution(raw: unknown, where: string, issues: FieldIssue[]): Distribution | undefined {
  if (Array.isArray(raw)) return parseChoice(raw, where, issues);
  if (raw === null || typeof raw !== 'object') {
    issues.push({ path: where, message: `must be ${KIND_HELP}` });
    return undefined;
  }
  const object = raw as Record<string, unknown>;
  const kinds = DISTRIBUTION_KINDS.filter((k) => k in object);
  const unknown = Object.keys(object).filter((k) => k !== 'q' && !(DISTRIBUTION_KINDS as readonly string[]).includes(k));
  if (kinds.length !== 1 || unknown.length > 0) {
    issues.push({ path: where, message: `must be ${KIND_HELP}${unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''}` });
    return undefined;
  }
  const kind = kinds[0]!;
  if (kind === 'choice') {
    if ('q' in object) issues.push({ path: `${where}.q`, message: 'applies to uniform, loguniform and int, not to choice' });
    return Array.isArray(object.choice) ? parseChoice(object.choice, `${where}.choice`, issues) : pushed(issues, `${where}.choice`, 'must be a list of values');
  }
  return parseInterval(kind, object[kind], object.q, where, issues);
}

function pushed(issues: FieldIssue[], path: string, message: string): undefined {
  issues.push({ path, message });
  return undefined;
}

function parseChoice(values: unknown[], where: string, issues: FieldIssue[]): Distribution | undefined {
  return values.length === 0 ? pushed(issues, where, 'must list at least one value') : { choice: values };
}

function parseInterval(kind: 'uniform' | 'loguniform' | 'int', bounds: unknown, q: unknown, where: string, issues: FieldIssue[]): Distribution | undefined {
  const at = `${where}.${kind}`;
  if (!Array.isArray(bounds) || bounds.length !== 2 || !bounds.every((b) => typeof b === 'number' && Number.isFinite(b))) {
    return pushed(issues, at, 'must be [lo, hi], two finite numbers');
  }
  const [lo, hi] = bounds as [number, number];
  const before = issues.length;
  if (kind === 'int' && !(Number.isInteger(lo) && Number.isInteger(hi))) issues.push({ path: at, message: 'bounds must be integers' });
  if (kind === 'int' ? lo > hi : lo >= hi) issues.push({ path: at, message: `lo must be ${kind === 'int' ? 'at most' : 'below'} hi` });
  if (kind === 'loguniform' && lo <= 0) issues.push({ path: at, message: 'bounds must be positive (the logarithm is drawn uniformly)' });
  if (q !== undefined) {
    if (typeof q !== 'number' || !Number.isFinite(q) || q <= 0 || (kind === 'int' && !Number.isInteger(q))) {
      issues.push({ path: `${where}.q`, message: kind === 'int' ? 'must be a positive integer' : 'must be a positive number' });
    } else if (kind !== 'int' && Math.ceil(lo / q - 1e-9) > Math.floor(hi / q + 1e-9)) {
      issues.push({ path: `${where}.q`, message: `no multiple of ${q} lies in [${lo}, ${hi}]` });
    }
  }
  if (issues.length > before) return undefined;
  return { [kind]: [lo, hi], ...(q !== undefined ? { q } : {}) } as Distribution;
}

/** Rounds away binary noise (0.1 · 3 = 0.30000000000000004) from a computed value. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

/** The multiple of q nearest to x that lies in [lo, hi]. */
function quantise(x: number, q: number, lo: number, hi: number): number {
  const k = Math.min(Math.max(Math.round(x / q), Math.ceil(lo / q - 1e-9)), Math.floor(hi / q + 1e-9));
  return tidy(k * q);
}

/** The value of `distribution` at u ∈ [0, 1): the inverse of its distribution function. */
export function valueAt(distribution: Distribution, u: number): unknown {
  if ('choice' in distribution) return distribution.choice[Math.min(Math.floor(u * distribution.choice.length), distribution.choice.length - 1)];
  if ('int' in distribution) {
    const [lo, hi] = distribution.int;
    const step = distribution.q ?? 1;
    const count = Math.floor((hi - lo) / step) + 1;
    return lo + Math.min(Math.floor(u * count), count - 1) * step;
  }
  const [lo, hi] = 'uniform' in distribution ? distribution.uniform : distribution.loguniform;
  const x = 'uniform' in distribution ? lo + u * (hi - lo) : Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
  return distribution.q !== undefined ? quantise(x, distribution.q, lo, hi) : tidy(Math.min(Math.max(x, lo), hi));
}

/**
 * The values a distribution's bounds reach: the extremes a sample can take (for choice, every
 * option), so a bound the RunConfig schema refuses is a 400 before anything is sampled.
 */
export function extremeValues(distribution: Distribution): unknown[] {
  if ('choice' in distribution) return distribution.choice;
  return [valueAt(distribution, 0), valueAt(distribution, 1 - 2 ** -40)];
}

/**
 * Points in [0, 1)^dimensions: `random` draws from mulberry32 seeded by `samplerSeed`, `sobol`
 * walks the Sobol' sequence (sobol.ts). Generators, so a caller skipping duplicates draws more.
 */
export function* unitPoints(search: 'random' | 'sobol', dimensions: number, samplerSeed: number, limit: number): Generator<number[]> {
  if (search === 'sobol') {
    yield* sobolPoints(dimensions, limit);
    return;
  }
  const next = mulberry32(samplerSeed);
  for (let i = 0; i < limit; i++) yield Array.from({ length: dimensions }, next);
}

/** Validates the number of dimensions a search supports. */
export function dimensionIssue(search: 'random' | 'sobol', dimensions: number): FieldIssue | undefined {
  return search === 'sobol' && dimensions > SOBOL_MAX_DIMENSIONS
    ? { path: 'space', message: `sobol supports up to ${SOBOL_MAX_DIMENSIONS} parameters (Joe & Kuo direction numbers); this space has ${dimensions}` }
    : undefined;
}
