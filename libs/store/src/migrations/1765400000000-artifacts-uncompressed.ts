import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Checkpoints are float weights that barely compress; stored uncompressed (EXTERNAL), a slice of
 * one (`substring`) is read without decompressing all of it, so downloads stream in chunks.
 * Applies to rows written from now on.
 */
export class ArtifactsUncompressed1765400000000 implements MigrationInterface {
  name = 'ArtifactsUncompressed1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE artifacts ALTER COLUMN bytes SET STORAGE EXTERNAL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE artifacts ALTER COLUMN bytes SET STORAGE EXTENDED`);
  }
}
