/**
 * What the CLI shows of a sweep: `GET /sweeps/:id` as @ablate/contract types it (SweepDetail,
 * its runs RunLines in expansion order).
 */
import type { RunLine, SweepDetail } from '@ablate/contract';

/** A run as the CLI shows it. */
export type RunView = RunLine;

/** The sweep with its runs in expansion order. */
export type SweepView = SweepDetail;

/** Run statuses after which a run does no more work. */
export const TERMINAL_RUN_STATUSES = new Set(['completed', 'failed', 'diverged', 'cancelled', 'stopped']);
/** Sweep statuses after which the sweep does no more work. */
export const TERMINAL_SWEEP_STATUSES = new Set(['completed', 'completed_with_failures', 'failed', 'cancelled']);
/** Run statuses that mean the run produced no result. */
export const FAILED_RUN_STATUSES = new Set(['failed', 'diverged']);

const SHORT_NAMES: Record<string, string> = { 'loss.gamma': 'γ', 'loss.alpha': 'α', 'model.phi': 'φ', 'anchors.scalesPerOctave': 'scales' };

/** Where a path goes in a label: the named ones first, in SHORT_NAMES order (PostgreSQL's jsonb sorts keys). */
const rank = (path: string): number => {
  const i = Object.keys(SHORT_NAMES).indexOf(path);
  return i < 0 ? Infinity : i;
};

/** `{ 'loss.alpha': 0.25, 'loss.gamma': 2 }`, seed 0 → `γ=2 α=0.25`. */
export function runLabel(run: Pick<RunView, 'id' | 'params' | 'seed'>): string {
  const parts = Object.entries(run.params ?? {})
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([path, value]) => `${SHORT_NAMES[path] ?? path}=${JSON.stringify(value)}`);
  if (run.seed !== undefined && run.seed !== 0) parts.push(`seed=${run.seed}`);
  return parts.join(' ') || run.id.slice(0, 8);
}

/** Whether the sweep will do no more work. */
export function sweepFinished(sweep: Pick<SweepView, 'status'>): boolean {
  return TERMINAL_SWEEP_STATUSES.has(sweep.status);
}

/** One reason runs failed for, with the runs that did. */
export interface FailureGroup {
  reason: string;
  status: string;
  runs: RunView[];
}

/**
 * The sweep's failed and diverged runs grouped by their reason, largest group first: twelve runs
 * that failed on the same bad dataset are one line, not twelve.
 */
export function groupFailures(sweep: Pick<SweepView, 'runs'>): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const run of sweep.runs.filter((r) => FAILED_RUN_STATUSES.has(r.status))) {
    // A diverged run's message names its own run id and step: group divergences as one reason.
    const reason = run.status === 'diverged' ? 'diverged (non-finite loss)' : (run.error ?? 'no reason recorded');
    const key = `${run.status}\u0000${reason}`;
    const group = groups.get(key) ?? { reason, status: run.status, runs: [] };
    group.runs.push(run);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.runs.length - a.runs.length);
}

/** The failure groups as lines for a terminal: `3 runs failed: <reason>` and the first few runs. */
export function formatFailures(groups: FailureGroup[], shown = 3): string {
  return groups
    .map((g) => {
      const names = g.runs.slice(0, shown).map((r) => `${runLabel(r)} (${r.id.slice(0, 8)})`);
      const more = g.runs.length > shown ? `, … ${g.runs.length - shown} more` : '';
      return `${g.runs.length} run${g.runs.length === 1 ? '' : 's'} ${g.status}: ${g.reason}\n    ${names.join(', ')}${more}`;
    })
    .join('\n');
}

/** `3m05s`, `42s`; `–` without an estimate. */
export function etaText(seconds: number | null): string {
  if (seconds === null) return '–';
  const total = Math.round(seconds);
  return total >= 60 ? `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s` : `${total}s`;
}

/** Failures first, as a researcher scans for them; then what is moving, then what is done. */
const COUNT_ORDER = ['failed', 'diverged', 'running', 'queued', 'completed', 'stopped', 'cancelled'];

/** `{ failed: 2, completed: 5, … }` → `2 failed, 5 completed` (zero counts left out). */
export function countsText(counts: Record<string, number>): string {
  const rank = (status: string) => (COUNT_ORDER.indexOf(status) + 1 || COUNT_ORDER.length + 1);
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([status, n]) => `${n} ${status}`);
  return parts.join(', ') || 'no runs';
}

/** The sweep's status with its failed and diverged runs: `running (2 failed)`, `completed`. */
export function statusWithFailures(sweep: Pick<SweepView, 'status' | 'runCounts'>): string {
  const failed = [...FAILED_RUN_STATUSES].reduce((n, status) => n + ((sweep.runCounts as Record<string, number>)[status] ?? 0), 0);
  return failed > 0 ? `${sweep.status} (${failed} failed)` : sweep.status;
}

/** `45% · eta 3m05s` (no ETA once the sweep has finished). */
export function progressText(sweep: Pick<SweepView, 'status' | 'progress'>): string {
  const percent = `${Math.round(sweep.progress.fraction * 100)}%`;
  return sweepFinished(sweep) ? percent : `${percent} · eta ${etaText(sweep.progress.etaSeconds)}`;
}
