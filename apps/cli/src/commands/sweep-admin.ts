import type { Command } from 'commander';
import { routes, SweepPatchSchema, TagSchema, type SweepSummary } from '@ablate/contract';
import { apiTarget, callRoute, type ApiTarget } from '../sweep/api-client';
import { countsText, formatFailures, groupFailures, progressText, statusWithFailures } from '../sweep/sweep-view';
import { getSweep } from '../sweep/watch-sweep';
import { apiAction, collectList, parseOptions, UsageError, withPivotOptions, withTarget, type TargetOptions } from './api-options';
import { fetchAblationTable } from './sweep.command';

/**
 * `ablate sweep list | show | cancel | tag`: what a researcher does with sweeps besides submitting
 * and watching them (sweep.command.ts), each one route of @ablate/contract.
 */
export function registerSweepAdminCommands(program: Command): void {
  const sweep = program.commands.find((c) => c.name() === 'sweep');
  if (!sweep) throw new Error('register `ablate sweep` (sweep.command.ts) first');
  withTarget(sweep.command('list'))
    .description('list sweeps, newest first: id, name, status, runs, progress and ETA, tags')
    .option('--tag <tags>', 'only sweeps carrying all of these tags (repeatable or comma-separated)', collectList)
    .option('--status <status>', 'only sweeps in this status')
    .option('--name <text>', 'only sweeps whose name contains this (case-insensitive)')
    .option('--limit <n>', 'at most this many (1–500, default 50)')
    .option('--json', 'print the sweeps as JSON')
    .action((opts: TargetOptions & { tag?: string[]; status?: string; name?: string; limit?: string; json?: boolean }) =>
      apiAction(async () => {
        const raw = { tag: opts.tag?.join(','), status: opts.status, q: opts.name, limit: opts.limit };
        parseOptions(routes.listSweeps.query, raw, { tag: '--tag', status: '--status', q: '--name', limit: '--limit' });
        const sweeps = await callRoute(apiTarget(opts), routes.listSweeps, { query: raw });
        console.log(opts.json ? JSON.stringify(sweeps, null, 2) : sweepTable(sweeps));
      }),
    );

  withPivotOptions(withTarget(sweep.command('show <id>')))
    .description('show a sweep: status, progress, tags, note, failures and its ablation table')
    .option('--json', 'print the sweep as JSON')
    .action((id: string, opts: TargetOptions & { rows?: string; cols?: string; metric?: string; json?: boolean }) =>
      apiAction(async () => {
        const target = apiTarget(opts);
        const detail = await getSweep(target, id);
        if (opts.json) return console.log(JSON.stringify(detail, null, 2));
        console.log(sweepFacts(detail));
        const failures = groupFailures(detail);
        if (failures.length > 0) console.log(`\n${formatFailures(failures)}`);
        // Without a completed run there is no table yet: say so rather than print an empty one.
        if (detail.runCounts.completed === 0) return console.log('\nno ablation table yet: no run has completed');
        console.log(`\n${await fetchAblationTable(target, id, opts)}`);
      }),
    );

  withTarget(sweep.command('cancel <id>'))
    .description('cancel a sweep: queued runs removed, running runs stopped at their next step')
    .action((id: string, opts: TargetOptions) =>
      apiAction(async () => {
        const out = await callRoute(apiTarget(opts), routes.cancelSweep, { params: { id } });
        console.log(`sweep ${out.sweep.id}: ${out.sweep.status} (${out.cancelledRuns} queued runs cancelled, ${out.stoppingRuns} running runs stopping)`);
      }),
    );

  withTarget(sweep.command('tag <id>'))
    .description("edit a sweep's tags and note")
    .option('--add <tags>', 'add these tags (repeatable or comma-separated)', collectList)
    .option('--remove <tags>', 'remove these tags (repeatable or comma-separated)', collectList)
    .option('--note <text>', "replace the note ('' clears it)")
    .action((id: string, opts: TargetOptions & { add?: string[]; remove?: string[]; note?: string }) =>
      apiAction(async () => {
        const sweepAfter = await tagSweep(apiTarget(opts), id, opts);
        console.log(`sweep ${sweepAfter.id}: tags ${sweepAfter.tags.join(', ') || '(none)'}${sweepAfter.note ? `\nnote: ${sweepAfter.note}` : ''}`);
      }),
    );
}

/** Applies `--add`, `--remove` and `--note` to the sweep's tags and note with one PATCH. */
async function tagSweep(target: ApiTarget, id: string, opts: { add?: string[]; remove?: string[]; note?: string }): Promise<SweepSummary> {
  if (!opts.add && !opts.remove && opts.note === undefined) throw new UsageError('give --add, --remove or --note');
  const added = (opts.add ?? []).map((tag) => parseOptions(TagSchema, tag, { '': `--add ${JSON.stringify(tag)}` }));
  let tags: string[] | undefined;
  if (opts.add || opts.remove) {
    // PATCH replaces the list: read it first (an edit made in between by someone else is lost).
    const current = (await getSweep(target, id)).tags;
    const removed = new Set((opts.remove ?? []).map((t) => t.trim()));
    tags = [...new Set([...current.filter((t) => !removed.has(t)), ...added])];
  }
  const body = parseOptions(SweepPatchSchema, { tags, note: opts.note }, { tags: '--add', note: '--note' });
  return callRoute(target, routes.updateSweep, { params: { id }, body });
}

/** The facts of `sweep show`, one per line. */
function sweepFacts(s: Awaited<ReturnType<typeof getSweep>>): string {
  return [
    `sweep ${s.id}: ${s.name}`,
    `status:   ${statusWithFailures(s)} · ${countsText(s.runCounts)}`,
    `progress: ${progressText(s)} · ${s.progress.ended}/${s.progress.total} runs ended`,
    `varies:   ${s.variedPaths.join(', ') || '–'}`,
    `dataset:  train ${s.dataset.train} · val ${s.dataset.val}`,
    `tags:     ${s.tags.join(', ') || '–'}`,
    ...(s.note ? [`note:     ${s.note}`] : []),
  ].join('\n');
}

const MAX_NAME = 32;

/** The sweeps as an aligned table (full ids: `ablate sweep show` takes them). */
export function sweepTable(sweeps: SweepSummary[]): string {
  if (sweeps.length === 0) return 'no sweeps';
  const header = ['ID', 'NAME', 'STATUS', 'RUNS', 'PROGRESS', 'TAGS'];
  const rows = sweeps.map((s) => [
    s.id,
    s.name.length > MAX_NAME ? `${s.name.slice(0, MAX_NAME - 1)}…` : s.name,
    statusWithFailures(s),
    `${s.progress.ended}/${s.runCount}`,
    progressText(s),
    s.tags.join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
