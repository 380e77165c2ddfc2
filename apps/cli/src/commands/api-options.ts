import type { Command } from 'commander';
import type { z } from 'zod';
import { ApiError } from '../sweep/api-client';

/** Where the API is: `--api`, `--key` (else ABLATE_API_URL, ABLATE_API_KEY). */
export interface TargetOptions {
  api?: string;
  key?: string;
}

export function withTarget(cmd: Command): Command {
  return cmd.option('--api <url>', 'API base URL (env ABLATE_API_URL)').option('--key <key>', 'API key (env ABLATE_API_KEY)');
}

/** The options that pick an ablation pivot (`sweep show`, `sweep watch`). */
export function withPivotOptions(cmd: Command): Command {
  return cmd
    .option('--rows <path>', 'pivot: parameter down the rows (e.g. loss.gamma)')
    .option('--cols <path>', 'pivot: parameter across the columns (e.g. loss.alpha)')
    .option('--metric <name>', 'pivot: the metric in the cells (default AP)');
}

/** Bad input on the command line (an option, an argument): exit status 2 with its message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Runs a command that calls the API: bad input (a UsageError, or a 4xx: the API names the bad
 * field or the unknown id) prints its message and exits 2; any other error reaches main, which
 * prints its message (an unreachable API, a 5xx) and exits 1.
 */
export async function apiAction(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    const userError = err instanceof UsageError || (err instanceof ApiError && err.status >= 400 && err.status < 500);
    if (!userError) throw err;
    console.error((err as Error).message);
    process.exit(2);
  }
}

/**
 * Command-line options parsed with a schema of @ablate/contract (a route's query, a PATCH body),
 * so the CLI refuses what the API would, before calling it; each issue is named as its option
 * (`--status: must be one of …`) through `names` (schema field → option).
 */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown, names: Record<string, string>): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => {
    const field = String(i.path[0] ?? '');
    return `${names[field] ?? field}: ${i.message}`;
  });
  throw new UsageError(issues.join('\n'));
}

/** Collects a repeatable option that also takes comma-separated values: `--tag a,b --tag c` → [a, b, c]. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',')];
}
