import type { DataSource, EntityManager } from 'typeorm';
import { ashaPromotions, ashaRungs, type EarlyStopping, type Promotion, type RungResult } from '@ablate/jobs';
import type { RunConfig } from '@ablate/detection';
import { mutateReturning } from '../sql';
import type { SweepRepository } from './sweep.repository';

/** A run promoted to its next rung: queued again with its extended budget, to be given a train job. */
export interface PromotedRun {
  runId: string;
  sweepId: string;
  /** The rung it is promoted to. */
  rung: number;
  steps: number;
  config: RunConfig;
  priority: number | null;
  attempts: number;
}

/** What recording a rung result decided. */
export interface RungDecision {
  /** Every run this result promoted (the recording run among them, or others whose turn came). */
  promoted: PromotedRun[];
  /** The recording run's fate: promoted, stopped at its rung, or completed (the last rung). */
  outcome: 'promoted' | 'stopped' | 'completed';
}

/**
 * ASHA's state in PostgreSQL (table `asha_results`): the rung results of a sweep's runs and which
 * were promoted. Each decision is one transaction holding the sweep's row lock, so two workers
 * finishing a rung at once take turns and never promote the same run twice or lose a result.
 */
export class AshaRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly sweeps: SweepRepository,
  ) {}

  /** The sweep's early stopping, the run's rung and its sweep, or null for a run without early stopping. */
  async planOf(runId: string): Promise<{ sweepId: string; rung: number; earlyStopping: EarlyStopping } | null> {
    const rows: { sweep_id: string; rung: number; early: EarlyStopping | null }[] = await this.ds.query(
      `SELECT r.sweep_id, r.rung, s.spec->'earlyStopping' AS early FROM runs r JOIN sweeps s ON s.id = r.sweep_id WHERE r.id = $1`,
      [runId],
    );
    const row = rows[0];
    return row?.early ? { sweepId: row.sweep_id, rung: row.rung, earlyStopping: row.early } : null;
  }

  /**
   * Records `value`, the run's metric at `rung` (a replay keeps the first value), and applies
   * ASHA's promotions: promoted runs are queued again at the next rung with their budget
   * extended; the recording run, unless promoted or at the last rung, is `stopped`.
   */
  async recordRung(input: { sweepId: string; runId: string; rung: number; value: number; earlyStopping: EarlyStopping }): Promise<RungDecision> {
    const rungs = ashaRungs(input.earlyStopping);
    return this.ds.transaction(async (m) => {
      await m.query('SELECT 1 FROM sweeps WHERE id = $1 FOR UPDATE', [input.sweepId]);
      await m.query(
        `INSERT INTO asha_results (sweep_id, run_id, rung, steps, value) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_id, rung) DO NOTHING`,
        [input.sweepId, input.runId, input.rung, rungs[input.rung], input.value],
      );
      const rows: { run_id: string; rung: number; value: number; promoted: boolean }[] = await m.query(
        'SELECT run_id, rung, value, promoted FROM asha_results WHERE sweep_id = $1 ORDER BY seq',
        [input.sweepId],
      );
      const results: RungResult[] = rows.map((r) => ({ runId: r.run_id, rung: r.rung, value: r.value }));
      const before: Promotion[] = rows.filter((r) => r.promoted).map((r) => ({ runId: r.run_id, rung: r.rung }));
      const { mode, reductionFactor } = input.earlyStopping;
      const promotions = ashaPromotions(results, before, rungs.length, reductionFactor, mode);
      const promoted: PromotedRun[] = [];
      for (const p of promotions) promoted.push(...(await this.promote(m, p, rungs[p.rung + 1]!)));
      const outcome = await this.settleRecorder(m, input.runId, input.rung, rungs.length, [...before, ...promotions]);
      await this.sweeps.refreshStatus(input.sweepId, m);
      return { promoted, outcome };
    });
  }

  /** Marks the promotion and queues the run again at the next rung (from a completed or stopped state). */
  private async promote(m: EntityManager, p: Promotion, steps: number): Promise<PromotedRun[]> {
    await m.query('UPDATE asha_results SET promoted = true WHERE run_id = $1 AND rung = $2', [p.runId, p.rung]);
    const rows = await mutateReturning<{ id: string; sweep_id: string; config: RunConfig; priority: number | null; attempts: number }>(
      m,
      `UPDATE runs SET status = 'queued', rung = $2 + 1, total_steps = $3,
              config = jsonb_set(config, '{train,steps}', to_jsonb($3::int)), finished_at = NULL, error = NULL, updated_at = now()
        WHERE id = $1 AND rung = $2 AND status IN ('completed', 'stopped')
        RETURNING id, sweep_id, config, priority, attempts`,
      [p.runId, p.rung, steps],
    );
    return rows.map((r) => ({ runId: r.id, sweepId: r.sweep_id, rung: p.rung + 1, steps, config: r.config, priority: r.priority, attempts: r.attempts }));
  }

  /** The recording run: completed at the last rung; else stopped there unless promoted from it. */
  private async settleRecorder(m: EntityManager, runId: string, rung: number, rungCount: number, promotions: Promotion[]): Promise<RungDecision['outcome']> {
    if (rung === rungCount - 1) return 'completed';
    if (promotions.some((p) => p.runId === runId && p.rung === rung)) return 'promoted';
    await m.query(`UPDATE runs SET status = 'stopped', updated_at = now() WHERE id = $1 AND rung = $2 AND status = 'completed'`, [runId, rung]);
    return 'stopped';
  }
}
