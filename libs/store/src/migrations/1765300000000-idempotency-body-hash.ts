import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key is bound to the request it came with (issue 14): the SHA-256 of the
 * normalised spec is kept, so the same key with another body is refused instead of answered
 * with the first sweep. Null for sweeps created before (their key then matches any body).
 */
export class IdempotencyBodyHash1765300000000 implements MigrationInterface {
  name = 'IdempotencyBodyHash1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sweeps ADD COLUMN idempotency_body_sha256 char(64)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sweeps DROP COLUMN idempotency_body_sha256`);
  }
}
