import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ASHA early stopping (issue 18): a run can end `stopped` at a rung, is at a `rung` (0 until
 * promoted), and each rung result a sweep's runs record is a row of `asha_results` — the state
 * every worker's promotion decision reads and writes in one transaction, under the sweep's row lock.
 */
export class AshaRungs1765900000000 implements MigrationInterface {
  name = 'AshaRungs1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs DROP CONSTRAINT IF EXISTS runs_status_check`);
    await q.query(`ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN ('queued', 'running', 'completed', 'failed', 'diverged', 'cancelled', 'stopped'))`);
    await q.query(`ALTER TABLE runs ADD COLUMN rung int NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE TABLE asha_results (
        seq bigserial UNIQUE,
        sweep_id uuid NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        rung int NOT NULL,
        steps int NOT NULL,
        value double precision NOT NULL,
        promoted boolean NOT NULL DEFAULT false,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (run_id, rung)
      )`);
    await q.query(`CREATE INDEX asha_results_sweep_idx ON asha_results (sweep_id, rung)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE asha_results`);
    await q.query(`ALTER TABLE runs DROP COLUMN rung`);
    await q.query(`UPDATE runs SET status = 'completed' WHERE status = 'stopped'`);
    await q.query(`ALTER TABLE runs DROP CONSTRAINT IF EXISTS runs_status_check`);
    await q.query(`ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN ('queued', 'running', 'completed', 'failed', 'diverged', 'cancelled'))`);
  }
}
