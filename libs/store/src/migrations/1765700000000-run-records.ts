import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a run's page needs beyond its config (issue 17): the category table of its dataset (names
 * for per-class AP and drawn boxes) and its reproducibility record (code, library and dataset
 * versions of its last attempt). Both null for runs that started before: nothing recorded them.
 */
export class RunRecords1765700000000 implements MigrationInterface {
  name = 'RunRecords1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs ADD COLUMN categories jsonb NULL, ADD COLUMN reproducibility jsonb NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE runs DROP COLUMN reproducibility, DROP COLUMN categories`);
  }
}
