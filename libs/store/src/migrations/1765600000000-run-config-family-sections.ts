import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Detector families (issue 16): a run's config carries only the sections its family reads. Runs
 * stored before carried every family's sections with their defaults — a RetinaNet run had `rpn`,
 * `roi` and `mask` it never used. This drops them, so a stored config is what the run trained
 * with. The families and their sections are written out as they were at this migration (a later
 * family does not change what it had to clean).
 *
 * down() keeps the configs as they are: the code before read a missing section as its defaults,
 * which is what was dropped.
 */
export class RunConfigFamilySections1765600000000 implements MigrationInterface {
  name = 'RunConfigFamilySections1765600000000';

  async up(q: QueryRunner): Promise<void> {
    const arch = `coalesce(config->'model'->>'arch', 'retinanet')`;
    await q.query(`UPDATE runs SET config = config - 'rpn' - 'roi' - 'mask' WHERE ${arch} IN ('retinanet', 'efficientdet') AND config ?| array['rpn', 'roi', 'mask']`);
    await q.query(`UPDATE runs SET config = config - 'mask' WHERE ${arch} = 'faster-rcnn' AND config ? 'mask'`);
  }

  async down(): Promise<void> {
    // Nothing to restore (see above).
  }
}
