import { RunConfigSchema } from '@ablate/detection';
import { GRID_ALIASES, getPath, resolveConfigPath, setPath, type ConfigPath } from './config-paths';
import { archsReading, asRunOf, unreadPathMessage } from './sweep-archs';
import { formatPath, type FieldIssue } from './validation-error';

/**
 * The checks a sweep's varied parameter gets, whether a grid axis (`grid.gamma`) or a search
 * space axis (`space.gamma`): its key names a RunConfig leaf, not the seed, not a parameter named
 * already, and one some architecture of the sweep reads; each value it takes passes RunConfigSchema.
 */

/** The canonical path of axis `key` of `field` ('grid' | 'space'), or undefined after pushing why not. */
export function resolveAxisKey(
  field: 'grid' | 'space',
  key: string,
  seen: Map<ConfigPath, string>,
  archs: readonly string[],
  issues: FieldIssue[],
): ConfigPath | undefined {
  const where = `${field}.${key}`;
  const path = resolveConfigPath(key);
  const problem =
    path === undefined
      ? unknownPathMessage()
      : path === 'seed'
        ? `seeds are given by \`seeds\`, not the ${field}`
        : seen.has(path)
          ? `names the same parameter (${path}) as ${field}.${seen.get(path)}`
          : path === 'model.arch'
            ? undefined
            : unreadPathMessage(archs, path);
  if (path !== undefined && !seen.has(path)) seen.set(path, key);
  if (problem !== undefined) {
    issues.push({ path: where, message: problem });
    return undefined;
  }
  return path;
}

function unknownPathMessage(): string {
  const aliases = Object.keys(GRID_ALIASES).join(', ');
  return `unknown parameter: expected a RunConfig path such as loss.gamma or anchors.scalesPerOctave, or an alias (${aliases})`;
}

/** A value checked at its path: the parsed value, or the issues under the path (suffix relative to it). */
export type ValueCheck = { ok: true; value: unknown } | { ok: false; issues: { suffix: string; message: string }[] };

/**
 * Checks `value` at `path` by building the whole RunConfig around it and running RunConfigSchema,
 * in a run of an architecture that reads the path (the axis of architectures: as its own), so the
 * rules live in one place (@ablate/detection). Issues outside the path belong to the base.
 */
export function checkValue(path: ConfigPath, value: unknown, base: Record<string, unknown>, archs: readonly string[]): ValueCheck {
  const run = path === 'model.arch' ? asRunOf(base, value as string) : asRunOf(setPath(base, path, value), archsReading(archs, path)[0]!);
  const result = RunConfigSchema.safeParse(run);
  if (result.success) return { ok: true, value: getPath(result.data, path) };
  const issues: { suffix: string; message: string }[] = [];
  for (const issue of result.error.issues) {
    const full = formatPath(issue.path);
    if (full !== path && !full.startsWith(`${path}.`) && !full.startsWith(`${path}[`)) continue;
    issues.push({ suffix: full.slice(path.length), message: issue.message });
  }
  return { ok: false, issues };
}
