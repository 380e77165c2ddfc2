import { queryDb } from './e2e-env';
import { eventually, type Stack } from './stack';

/** A run as the fault tests read it back. */
export interface RunRow {
  id: string;
  status: string;
  step: number;
  attempts: number;
  error: string | null;
}

/** The sweep's runs in expansion order. */
export function runsOf(stack: Stack, sweepId: string): Promise<RunRow[]> {
  return queryDb<RunRow>(stack.env.databaseUrl, 'SELECT id, status, step, attempts, error FROM runs WHERE sweep_id = $1 ORDER BY index', [sweepId]);
}

/** Waits until the sweep has ended (any final status) and returns that status. */
export async function sweepEnd(stack: Stack, sweepId: string, timeoutMs = 180_000): Promise<string> {
  const ENDED = ['completed', 'completed_with_failures', 'failed', 'cancelled'];
  return eventually(
    'the sweep to end',
    async () => {
      const rows = await queryDb<{ status: string }>(stack.env.databaseUrl, 'SELECT status FROM sweeps WHERE id = $1', [sweepId]);
      return ENDED.includes(rows[0]?.status ?? '') ? rows[0]!.status : undefined;
    },
    timeoutMs,
    500,
  );
}

/**
 * Every step 1..steps of every run has exactly one metrics row (workers run with
 * ABLATE_METRICS_EVERY=1): a fault neither lost nor doubled a row. Returns the rows per run.
 */
export async function metricStepsPerRun(stack: Stack, sweepId: string): Promise<Map<string, number[]>> {
  const rows = await queryDb<{ run_id: string; step: number }>(
    stack.env.databaseUrl,
    'SELECT m.run_id, m.step FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.sweep_id = $1 ORDER BY m.run_id, m.step',
    [sweepId],
  );
  const out = new Map<string, number[]>();
  for (const r of rows) out.set(r.run_id, [...(out.get(r.run_id) ?? []), r.step]);
  return out;
}

/** 1..n */
export const stepsUpTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
