import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The 12 segm columns, named as the bbox ones with a `segm_` prefix. */
const SEGM_COLUMNS = ['ap', 'ap50', 'ap75', 'ap_s', 'ap_m', 'ap_l', 'ar1', 'ar10', 'ar100', 'ar_s', 'ar_m', 'ar_l'].map((c) => `segm_${c}`);

/**
 * Mask AP (Mask R-CNN, issue 7): an evaluation of a detector with masks also holds the 12 COCO
 * stats of iouType 'segm' as columns beside the bbox ones (so ablation queries stay plain SQL),
 * and the per-class mask AP. Null for detectors without masks: existing rows are untouched.
 */
export class SegmStats1764000000000 implements MigrationInterface {
  name = 'SegmStats1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE evaluations ${SEGM_COLUMNS.map((c) => `ADD COLUMN ${c} double precision`).join(', ')}, ADD COLUMN segm_per_class jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE evaluations ${[...SEGM_COLUMNS, 'segm_per_class'].map((c) => `DROP COLUMN ${c}`).join(', ')}`);
  }
}
