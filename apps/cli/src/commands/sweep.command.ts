import * as fs from 'node:fs';
import type { Command } from 'commander';
import { routes, type SweepPlan } from '@ablate/contract';
import { ApiError, apiTarget, callRoute, type ApiTarget } from '../sweep/api-client';
import { watchSweep } from '../sweep/watch-sweep';
import { withPivotOptions, withTarget } from './api-options';
import { formatPlan } from '../sweep/plan-view';
import { formatFailures, groupFailures, type SweepView } from '../sweep/sweep-view';

interface TargetOptions {
  api?: string;
  key?: string;
}

/** A spec file the CLI cannot read; names the file. Exit status 2, as for every bad input. */
export class SpecFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'SpecFileError';
  }
}

/** Reads and parses a SweepSpec JSON file (validation happens at the API, which names each bad field). */
export function readSpecFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SpecFileError(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SpecFileError(file, `not valid JSON (${(err as Error).message})`);
  }
}

/** `POST /sweeps`; resolves to the new (or, for a repeated idempotency key, the first) sweep's id. */
export async function submitSweep(target: ApiTarget, spec: unknown, idempotencyKey?: string): Promise<string> {
  const headers: Record<string, string> = idempotencyKey ? { 'idempotency-key': idempotencyKey } : {};
  const sweep = await callRoute(target, routes.submitSweep, { body: spec, headers });
  if ('dryRun' in sweep) throw new Error('POST /sweeps answered a plan to a request that was not a dry run');
  return sweep.id;
}

/** `POST /sweeps?dryRun=true`: the plan of a spec (runs, total steps, measured cost); the API writes and queues nothing. */
export async function planSweepSpec(target: ApiTarget, spec: unknown): Promise<SweepPlan> {
  const plan = await callRoute(target, routes.submitSweep, { body: spec, query: { dryRun: 'true' } });
  if (!('dryRun' in plan)) throw new Error('POST /sweeps?dryRun=true answered a sweep, not a plan');
  return plan;
}

/** `GET /sweeps/:id/ablation` as Markdown; `rows`/`cols` make it a pivot of one metric. */
export async function fetchAblationTable(target: ApiTarget, sweepId: string, query: { rows?: string; cols?: string; metric?: string } = {}): Promise<string> {
  const { rows, cols, metric } = query;
  const table = await callRoute(target, routes.sweepAblation, { params: { id: sweepId }, query: { format: 'md', rows, cols, metric } });
  if (typeof table !== 'string') throw new Error(`GET /sweeps/${sweepId}/ablation?format=md answered JSON, not Markdown`);
  return table;
}

function summary(sweep: SweepView): string {
  const counts = new Map<string, number>();
  for (const run of sweep.runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
  return `sweep ${sweep.id}: ${sweep.status} (${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')})`;
}

/** `ablate sweep submit <spec.json>`, `ablate sweep plan <spec.json>` and `ablate sweep watch <id>`. */
export function registerSweepCommand(program: Command): void {
  const sweep = program.command('sweep').description('submit sweeps to the Ablate API and follow them');

  withTarget(sweep.command('submit <spec>'))
    .description('submit a sweep spec (JSON file) and print its id')
    .option('--idempotency-key <key>', 'resubmitting with the same key returns the first sweep')
    .option('--watch', 'follow its progress, then print the ablation table')
    .action(async (file: string, opts: TargetOptions & { idempotencyKey?: string; watch?: boolean }) => {
      const spec = readSpecOrExit2(file);
      const target = apiTarget(opts);
      await userErrorsExit2(async () => {
        const id = await submitSweep(target, spec, opts.idempotencyKey);
        console.log(id);
        if (opts.watch) await watchAndReport(target, id, {});
      });
    });

  withTarget(sweep.command('plan <spec>'))
    .description('dry run: print the runs a sweep spec (JSON file) would create, its total training steps and its cost in core-hours, timed by the API; nothing is submitted')
    .option('--json', 'print the plan as JSON (SweepPlan of @ablate/contract)')
    .action(async (file: string, opts: TargetOptions & { json?: boolean }) => {
      const spec = readSpecOrExit2(file);
      await userErrorsExit2(async () => {
        const plan = await planSweepSpec(apiTarget(opts), spec);
        console.log(opts.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
      });
    });

  withPivotOptions(withTarget(sweep.command('watch <id>')))
    .description('show live progress of a sweep until it ends, then its ablation table')
    .action(async (id: string, opts: TargetOptions & { rows?: string; cols?: string; metric?: string }) => {
      await userErrorsExit2(() => watchAndReport(apiTarget(opts), id, opts));
    });
}

/** The spec file, or its problem on stderr and exit status 2. */
function readSpecOrExit2(file: string): unknown {
  try {
    return readSpecFile(file);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}

/** A 4xx from the API is the user's bad input (a spec field, an unknown id, a missing key): exit status 2. */
async function userErrorsExit2(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (!(err instanceof ApiError) || err.status < 400 || err.status >= 500) throw err;
    console.error(err.message);
    process.exit(2);
  }
}

/**
 * Follows the sweep to its end, prints its summary, its failures grouped by reason and its table.
 * A sweep with failed or diverged runs sets exit status 1, so scripts and CI notice.
 */
async function watchAndReport(target: ApiTarget, id: string, query: { rows?: string; cols?: string; metric?: string }): Promise<void> {
  const final = await watchSweep(target, id);
  console.log(summary(final));
  const failures = groupFailures(final);
  if (failures.length > 0) console.error(formatFailures(failures));
  console.log(await fetchAblationTable(target, id, query));
  if (failures.length > 0 || final.status === 'failed') process.exitCode = 1;
}
