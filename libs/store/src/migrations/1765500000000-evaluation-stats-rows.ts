import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The 12 stat columns of an iou type (bbox without prefix, segm with `segm_`) and their API names. */
const STATS: [metric: string, column: string][] = [
  ['AP', 'ap'], ['AP50', 'ap50'], ['AP75', 'ap75'], ['APs', 'ap_s'], ['APm', 'ap_m'], ['APl', 'ap_l'],
  ['AR1', 'ar1'], ['AR10', 'ar10'], ['AR100', 'ar100'], ['ARs', 'ar_s'], ['ARm', 'ar_m'], ['ARl', 'ar_l'],
];
const IOU_TYPE_PREFIXES: [iouType: string, prefix: string][] = [['bbox', ''], ['segm', 'segm_']];
/** Every old stat column with the (iou type, metric) row it becomes. */
const COLUMNS = IOU_TYPE_PREFIXES.flatMap(([iouType, prefix]) => STATS.map(([metric, column]) => ({ iouType, metric, column: `${prefix}${column}` })));

/**
 * Evaluation stats as rows (issue 16): 24 hand-listed columns made every new metric (keypoint AP,
 * AP at another IoU) a migration, entity columns and repository code; a row per (evaluation, iou
 * type, metric) makes it data. Per-class AP stays JSON on the evaluation, keyed by iou type: it
 * is read whole with its evaluation and never filtered or aggregated in SQL, so rows per class
 * would only multiply the table and its index by the number of classes.
 */
export class EvaluationStatsRows1765500000000 implements MigrationInterface {
  name = 'EvaluationStatsRows1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE evaluation_stats (
        evaluation_id uuid NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
        iou_type text NOT NULL,
        metric text NOT NULL,
        value double precision NOT NULL,
        PRIMARY KEY (evaluation_id, iou_type, metric)
      )`);
    // The primary key serves an evaluation's stats (views, an ablation's samples); this one a
    // metric across evaluations (a pivot's metric over many sweeps' runs, which runs have
    // keypoints.AP) without reading every other metric's rows.
    await q.query(`CREATE INDEX evaluation_stats_metric_idx ON evaluation_stats (iou_type, metric, evaluation_id)`);
    await q.query(
      `INSERT INTO evaluation_stats (evaluation_id, iou_type, metric, value)
       SELECT e.id, v.iou_type, v.metric, v.value
         FROM evaluations e
         CROSS JOIN LATERAL (VALUES ${COLUMNS.map((c) => `('${c.iouType}', '${c.metric}', e.${c.column})`).join(', ')}) AS v (iou_type, metric, value)
        WHERE v.value IS NOT NULL`,
    );
    await q.query(
      `UPDATE evaluations SET per_class = NULLIF(
         (CASE WHEN per_class IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('bbox', per_class) END) ||
         (CASE WHEN segm_per_class IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('segm', segm_per_class) END),
         '{}'::jsonb)`,
    );
    await q.query(`ALTER TABLE evaluations ${[...COLUMNS.map((c) => c.column), 'segm_per_class'].map((c) => `DROP COLUMN ${c}`).join(', ')}`);
  }

  /** Restores the columns from the rows; stats of other iou types or metrics have no column and are lost. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE evaluations ${[...COLUMNS.map((c) => `ADD COLUMN ${c.column} double precision`), 'ADD COLUMN segm_per_class jsonb'].join(', ')}`);
    await q.query(
      `UPDATE evaluations e SET ${COLUMNS.map((c) => `${c.column} = s.${c.column}`).join(', ')}
         FROM (SELECT evaluation_id, ${COLUMNS.map((c) => `max(value) FILTER (WHERE iou_type = '${c.iouType}' AND metric = '${c.metric}') AS ${c.column}`).join(', ')}
                 FROM evaluation_stats GROUP BY evaluation_id) s
        WHERE s.evaluation_id = e.id`,
    );
    await q.query(`UPDATE evaluations SET segm_per_class = per_class->'segm', per_class = per_class->'bbox'`);
    await q.query(`DROP TABLE evaluation_stats`);
  }
}
