import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tags and notes on sweeps and runs (issue 18): what a researcher writes to find a study again.
 * Tags are a text[] so "carries all of a, b" is `tags @> '{a,b}'`, which a GIN index answers
 * without reading every row; a note is plain text, '' when there is none (so no NULL to test).
 */
export class TagsNotes1765800000000 implements MigrationInterface {
  name = 'TagsNotes1765800000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['sweeps', 'runs']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN tags text[] NOT NULL DEFAULT '{}', ADD COLUMN note text NOT NULL DEFAULT ''`);
      await q.query(`CREATE INDEX ${table}_tags_gin ON ${table} USING gin (tags)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['runs', 'sweeps']) {
      await q.query(`DROP INDEX ${table}_tags_gin`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN note, DROP COLUMN tags`);
    }
  }
}
