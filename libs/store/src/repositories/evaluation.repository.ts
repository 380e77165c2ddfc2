import { mutateReturning } from '../sql';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, FindOptionsSelect } from 'typeorm';
import type { CocoDetection } from '@ablate/detection';
import { pgErrorCode } from '../data-source';
import { NotFoundError } from '../errors';
import { EVALUATION_STAT_NAMES, EvaluationEntity, type PerClassByIouType, type StatsByIouType } from '../entities';

/** What an evaluator produced for one checkpoint on one dataset. */
export interface EvaluationResult {
  /** Dataset URI evaluated on. */
  dataset: string;
  /** Checkpoint step. */
  step: number;
  /**
   * Summary stats by iou type, e.g. `{ bbox: { AP: …, AP50: … }, segm: {…} }` (fractions; −1
   * where pycocotools reports −1). Any iou type and metric name is stored; @ablate/detection's
   * CocoStats fits one iou type.
   */
  stats: StatsByIouType;
  /** Per-class AP by iou type. */
  perClass?: PerClassByIouType;
  prCurves?: unknown;
  /**
   * COCO results (bbox [x, y, w, h] px; with `segmentation` RLEs when the detector has masks),
   * served by GET /runs/:id/detections.
   */
  detections?: CocoDetection[];
}

/** Lightweight columns (no per-class AP, detections, PR curves) for listings. */
const SUMMARY_SELECT: FindOptionsSelect<EvaluationEntity> = Object.fromEntries(
  ['id', 'runId', 'dataset', 'step', 'status', 'error', 'createdAt', 'finishedAt'].map((k) => [k, true]),
);

/** COCO evaluations of runs: the final one written by the train job, and requested ones (POST /evaluations). */
export class EvaluationRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Writes a completed evaluation, upserting on (run, dataset, step) so a replayed job
   * overwrites rather than duplicates. With `final` (the default) it becomes the run's final
   * evaluation, the one ablation tables read.
   */
  async saveEvaluation(runId: string, result: EvaluationResult, options: { final?: boolean } = {}): Promise<EvaluationEntity> {
    return this.ds.transaction(async (m) => {
      const id = await this.upsertResult(m, runId, result);
      if (options.final ?? true) await m.query(`UPDATE runs SET final_evaluation_id = $2 WHERE id = $1`, [runId, id]);
      return (await withStats(m, [await m.getRepository(EvaluationEntity).findOneByOrFail({ id })]))[0];
    });
  }

  private async upsertResult(m: EntityManager, runId: string, r: EvaluationResult): Promise<string> {
    const rows: { id: string }[] = await m.query(
      `INSERT INTO evaluations (id, run_id, dataset, step, per_class, pr_curves, detections, status, finished_at, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'completed', now(), NULL)
       ON CONFLICT (run_id, dataset, step) DO UPDATE SET
         per_class = EXCLUDED.per_class, pr_curves = EXCLUDED.pr_curves, detections = EXCLUDED.detections,
         status = 'completed', finished_at = now(), error = NULL
       RETURNING id`,
      [randomUUID(), runId, r.dataset, r.step, json(r.perClass), json(r.prCurves), json(r.detections)],
    ).catch((e: unknown) => {
      if (pgErrorCode(e) === '23503') throw new NotFoundError('run', runId); // foreign_key_violation
      throw e;
    });
    await replaceStats(m, rows[0].id, r.stats);
    return rows[0].id;
  }

  /**
   * Creates a queued evaluation for POST /evaluations, or returns the existing one for the same
   * (run, dataset, step). `created` is true when the caller must enqueue an `evaluate` job: a new
   * row, or a failed one reset to queued.
   */
  async requestEvaluation(runId: string, dataset: string, step: number): Promise<{ evaluation: EvaluationEntity; created: boolean }> {
    const inserted: { id: string }[] = await this.ds.query(
      `INSERT INTO evaluations (id, run_id, dataset, step, status) VALUES ($1, $2, $3, $4, 'queued')
       ON CONFLICT (run_id, dataset, step) DO NOTHING RETURNING id`,
      [randomUUID(), runId, dataset, step],
    );
    if (inserted.length > 0) return { evaluation: await this.get(inserted[0].id), created: true };
    const reset = await mutateReturning<{ id: string }>(this.ds,
      `UPDATE evaluations SET status = 'queued', error = NULL
        WHERE run_id = $1 AND dataset = $2 AND step = $3 AND status = 'failed' RETURNING id`,
      [runId, dataset, step],
    );
    const evaluation = await this.ds.getRepository(EvaluationEntity).findOneByOrFail({ runId, dataset, step });
    return { evaluation: (await withStats(this.ds, [evaluation]))[0], created: reset.length > 0 };
  }

  /** The evaluate job started. */
  async markRunning(id: string): Promise<void> {
    await this.ds.query(`UPDATE evaluations SET status = 'running' WHERE id = $1`, [id]);
  }

  /** Fills a requested evaluation (id from the evaluate job) with its result; not the run's final one. */
  async completeEvaluation(id: string, result: Omit<EvaluationResult, 'dataset' | 'step'>): Promise<EvaluationEntity> {
    const e = await this.get(id);
    await this.ds.transaction((m) => this.upsertResult(m, e.runId, { ...result, dataset: e.dataset, step: e.step }));
    return this.get(id);
  }

  async failEvaluation(id: string, error: string): Promise<void> {
    await this.ds.query(`UPDATE evaluations SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [id, error]);
  }

  /** The evaluation with everything (per-class AP, PR curves, detections), or NotFoundError. */
  async get(id: string): Promise<EvaluationEntity> {
    const e = await this.ds.getRepository(EvaluationEntity).findOneBy({ id });
    if (!e) throw new NotFoundError('evaluation', id);
    return (await withStats(this.ds, [e]))[0];
  }

  /** A run's evaluations with their stats but without their heavy JSON columns, oldest first. */
  async listForRun(runId: string): Promise<EvaluationEntity[]> {
    return withStats(this.ds, await this.ds.getRepository(EvaluationEntity).find({ select: SUMMARY_SELECT, where: { runId }, order: { createdAt: 'ASC' } }));
  }

  /** The run's final evaluation without detections, or null. */
  async finalOf(runId: string): Promise<EvaluationEntity | null> {
    const rows: { id: string | null }[] = await this.ds.query(`SELECT final_evaluation_id AS id FROM runs WHERE id = $1`, [runId]);
    if (rows.length === 0) throw new NotFoundError('run', runId);
    const id = rows[0].id;
    if (!id) return null;
    const e = await this.ds.getRepository(EvaluationEntity).findOne({ select: { ...SUMMARY_SELECT, perClass: true, prCurves: true }, where: { id } });
    return e && (await withStats(this.ds, [e]))[0];
  }

  /** Detections of the run's final evaluation (COCO results), or null when it has none. */
  async detectionsOf(runId: string): Promise<CocoDetection[] | null> {
    const rows: { detections: CocoDetection[] | null }[] = await this.ds.query(
      `SELECT e.detections FROM runs r LEFT JOIN evaluations e ON e.id = r.final_evaluation_id WHERE r.id = $1`,
      [runId],
    );
    if (rows.length === 0) throw new NotFoundError('run', runId);
    return rows[0].detections;
  }

  /**
   * Detections of the run's final evaluation per image id, counted in PostgreSQL (the list never
   * crosses the wire); null when the run has no final evaluation or it kept no detections.
   */
  async detectionCountsOf(runId: string): Promise<Map<number, number> | null> {
    const rows: { image_id: number | null; n: number }[] = await this.ds.query(
      `SELECT (d->>'image_id')::int AS image_id, count(d)::int AS n
         FROM runs r JOIN evaluations e ON e.id = r.final_evaluation_id
         LEFT JOIN LATERAL jsonb_array_elements(e.detections) d ON true
        WHERE r.id = $1 AND e.detections IS NOT NULL
        GROUP BY 1`,
      [runId],
    );
    if (rows.length === 0) return null;
    return new Map(rows.filter((r) => r.image_id !== null).map((r) => [r.image_id!, r.n]));
  }

  /** The final evaluation's detections on one image (COCO results), or null when it has none at all. */
  async detectionsOnImage(runId: string, imageId: number): Promise<CocoDetection[] | null> {
    const rows: { detections: CocoDetection[] | null }[] = await this.ds.query(
      `SELECT CASE WHEN e.detections IS NULL THEN NULL ELSE coalesce(
                (SELECT jsonb_agg(d ORDER BY ord) FROM jsonb_array_elements(e.detections) WITH ORDINALITY AS t(d, ord)
                  WHERE (d->>'image_id')::int = $2), '[]'::jsonb) END AS detections
         FROM runs r LEFT JOIN evaluations e ON e.id = r.final_evaluation_id WHERE r.id = $1`,
      [runId, imageId],
    );
    if (rows.length === 0) throw new NotFoundError('run', runId);
    return rows[0].detections;
  }
}

type Queryable = Pick<DataSource | EntityManager, 'query'>;

/**
 * Replaces an evaluation's stat rows: a replay (same run, dataset, step) rewrites them rather than
 * adding to them, and drops an iou type the new result lacks (no stale mask AP).
 */
async function replaceStats(m: Queryable, evaluationId: string, stats: StatsByIouType): Promise<void> {
  await m.query(`DELETE FROM evaluation_stats WHERE evaluation_id = $1`, [evaluationId]);
  const rows = Object.entries(stats).flatMap(([iouType, metrics]) => Object.entries(metrics).map(([metric, value]) => ({ iouType, metric, value })));
  if (rows.length === 0) return;
  await m.query(
    `INSERT INTO evaluation_stats (evaluation_id, iou_type, metric, value)
     SELECT $1::uuid, * FROM unnest($2::text[], $3::text[], $4::float8[])`,
    [evaluationId, rows.map((r) => r.iouType), rows.map((r) => r.metric), rows.map((r) => r.value)],
  );
}

/** The evaluations with their `stats` read from evaluation_stats (one query for all of them). */
async function withStats(m: Queryable, evaluations: EvaluationEntity[]): Promise<EvaluationEntity[]> {
  if (evaluations.length === 0) return evaluations;
  // COCO's order first, so views list AP, AP50, … as pycocotools prints them.
  const rows: { evaluation_id: string; iou_type: string; metric: string; value: number }[] = await m.query(
    `SELECT evaluation_id, iou_type, metric, value FROM evaluation_stats WHERE evaluation_id = ANY($1::uuid[])
      ORDER BY array_position($2::text[], metric), metric`,
    [evaluations.map((e) => e.id), EVALUATION_STAT_NAMES],
  );
  for (const e of evaluations) e.stats = {};
  const byId = new Map(evaluations.map((e) => [e.id, e]));
  for (const r of rows) {
    const stats = byId.get(r.evaluation_id)!.stats;
    (stats[r.iou_type] ??= {})[r.metric] = r.value;
  }
  return evaluations;
}

function json(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}
