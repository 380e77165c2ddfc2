import { RunConfigSchema } from '@ablate/detection';
import { checkValue, resolveAxisKey } from './axis-checks';
import { setPath, type ConfigPath } from './config-paths';
import { dimensionIssue, extremeValues, parseDistribution, unitPoints, valueAt, type Distribution, type SpaceAxis } from './search-space';
import { archOfPoint, asRunOf, paramsReadBy } from './sweep-archs';
import { formatPath, type FieldIssue } from './validation-error';

/**
 * A `random` or `sobol` sweep's space: validation of its axes and the sampling of its
 * configurations. Sampling is a pure function of the spec (search, space in the order given,
 * budget, samplerSeed), so validation, expansion and a dry run all see the same points.
 */

/** What sampling needs of a validated spec. */
export interface SampledSearch {
  search: 'random' | 'sobol';
  space: SpaceAxis[];
  budget: number;
  /** Seed of `random`'s generator; sobol's points are unscrambled and need none. */
  samplerSeed?: number;
  base: Record<string, unknown>;
}

/** Draws allowed per configuration asked for before a space is declared too small for its budget. */
const DRAWS_PER_POINT = 20;

/** The architectures a space's `model.arch` axis may take (a list or a choice), for the conditional rules. */
export function spaceArchChoices(space: Record<string, unknown>): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.entries(space).map(([key, raw]) => {
      const list = Array.isArray(raw) ? raw : raw !== null && typeof raw === 'object' && Array.isArray((raw as { choice?: unknown }).choice) ? (raw as { choice: unknown[] }).choice : [];
      return [key, list];
    }),
  );
}

/**
 * Validates `space` (config path or alias → distribution): each key as a grid's are, each
 * distribution's form, and the values at its bounds (every option of a choice) through
 * RunConfigSchema; issues name `space.<key>` (`space.loss.gamma: lower bound -1 is refused: …`).
 */
export function validateSpace(space: Record<string, unknown>, base: Record<string, unknown>, archs: readonly string[], issues: FieldIssue[]): SpaceAxis[] {
  const axes: SpaceAxis[] = [];
  const seen = new Map<ConfigPath, string>();
  for (const [key, raw] of Object.entries(space)) {
    const path = resolveAxisKey('space', key, seen, archs, issues);
    if (path === undefined) continue;
    const where = `space.${key}`;
    const distribution = parseDistribution(raw, where, issues);
    if (distribution === undefined) continue;
    if (boundIssues(where, path, distribution, Array.isArray(raw), base, archs, issues)) axes.push({ key, path, distribution });
  }
  return axes;
}

/** Checks the extreme values of `distribution`; true when all pass. */
function boundIssues(
  where: string,
  path: ConfigPath,
  distribution: Distribution,
  bareList: boolean,
  base: Record<string, unknown>,
  archs: readonly string[],
  issues: FieldIssue[],
): boolean {
  const before = issues.length;
  extremeValues(distribution).forEach((value, i) => {
    const check = checkValue(path, value, base, archs);
    if (check.ok) return;
    const at = 'choice' in distribution ? `${where}${bareList ? '' : '.choice'}[${i}]` : where;
    const label = 'choice' in distribution ? '' : `${i === 0 ? 'lower' : 'upper'} bound ${JSON.stringify(value)} is refused: `;
    for (const issue of check.issues) issues.push({ path: 'choice' in distribution ? at + issue.suffix : at, message: label + issue.message });
  });
  return issues.length === before;
}

/** The sampled configurations: `budget` distinct points (each keeping the params its architecture reads), or fewer if the space has fewer. */
export function samplePoints(spec: SampledSearch): Record<ConfigPath, unknown>[] {
  const points: Record<ConfigPath, unknown>[] = [];
  const seen = new Set<string>();
  for (const u of unitPoints(spec.search, spec.space.length, spec.samplerSeed ?? 0, spec.budget * DRAWS_PER_POINT + 100)) {
    const drawn = Object.fromEntries(spec.space.map((axis, d) => [axis.path, valueAt(axis.distribution, u[d]!)]));
    const params = paramsReadBy(drawn, archOfPoint(drawn, spec.base));
    // A configuration drawn twice (a choice, a coarse q) is one experiment: its seeds repeat it, not the sampler.
    const key = JSON.stringify(Object.keys(params).sort().map((p) => [p, params[p]]));
    if (seen.has(key)) continue;
    seen.add(key);
    points.push(params);
    if (points.length === spec.budget) break;
  }
  return points;
}

/**
 * Samples the validated space and checks what only sampling shows: a search's dimension limit,
 * a space with fewer distinct configurations than the budget, and sampled values or combinations
 * RunConfigSchema refuses inside the bounds (α uniform on [−1, 1] is valid at both ends only).
 */
export function checkSamples(spec: SampledSearch, check: { base: Record<string, unknown>; dataset: unknown }, issues: FieldIssue[]): void {
  const dimension = dimensionIssue(spec.search, spec.space.length);
  if (dimension !== undefined) {
    issues.push(dimension);
    return;
  }
  const points = samplePoints(spec);
  if (points.length < spec.budget) {
    issues.push({ path: 'budget', message: `the space holds only ${points.length} distinct configurations (found in ${spec.budget * DRAWS_PER_POINT + 100} draws), fewer than the budget of ${spec.budget}` });
  }
  const reported = new Set<string>();
  for (const point of points) {
    let config: Record<string, unknown> = { ...check.base, dataset: check.dataset };
    for (const [path, value] of Object.entries(point)) config = setPath(config, path, value);
    const result = RunConfigSchema.safeParse(asRunOf(config, archOfPoint(point, check.base)));
    if (result.success) continue;
    for (const issue of result.error.issues) {
      const full = formatPath(issue.path);
      const axis = spec.space.find((a) => full === a.path || full.startsWith(`${a.path}.`) || full.startsWith(`${a.path}[`));
      // Outside every axis: two sampled values that do not go together (matcher.bgIou above fgIou).
      const where = axis === undefined ? 'space' : `space.${axis.key}`;
      if (reported.has(where)) continue;
      reported.add(where);
      const what = axis === undefined ? `the sampled configuration ${JSON.stringify(point)} is refused at ${full}` : `sampled value ${JSON.stringify(point[axis.path])} is refused`;
      issues.push({ path: where, message: `${what}: ${issue.message}` });
    }
  }
}
