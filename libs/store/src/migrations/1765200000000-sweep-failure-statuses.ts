import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A sweep says when its runs failed (issue 14): `failed` when no run completed and some failed or
 * diverged, `completed_with_failures` when some did. The column grows to hold the longer name.
 */
export class SweepFailureStatuses1765200000000 implements MigrationInterface {
  name = 'SweepFailureStatuses1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sweeps DROP CONSTRAINT IF EXISTS sweeps_status_check`);
    await q.query(`ALTER TABLE sweeps ALTER COLUMN status TYPE varchar(32)`);
    await q.query(
      `ALTER TABLE sweeps ADD CONSTRAINT sweeps_status_check
         CHECK (status IN ('queued', 'running', 'completed', 'completed_with_failures', 'failed', 'cancelling', 'cancelled'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE sweeps SET status = 'completed' WHERE status IN ('completed_with_failures', 'failed')`);
    await q.query(`ALTER TABLE sweeps DROP CONSTRAINT IF EXISTS sweeps_status_check`);
    await q.query(`ALTER TABLE sweeps ALTER COLUMN status TYPE varchar(16)`);
    await q.query(`ALTER TABLE sweeps ADD CONSTRAINT sweeps_status_check CHECK (status IN ('queued', 'running', 'completed', 'cancelling', 'cancelled'))`);
  }
}
