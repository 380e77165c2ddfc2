import { mutateReturning } from '../sql';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, FindOptionsSelect } from 'typeorm';
import type { CocoDetection } from '@ablate/detection';
import { pgErrorCode } from '../data-source';
import { NotFoundError } from '../errors';
import { EVALUATION_STAT_NAMES, EvaluationEntity, segmProperty, type ClassAp, type EvaluationStats } from '../entities';

/** What an evaluator produced for one checkpoint on one dataset. */
export interface EvaluationResult {
  /** Dataset URI evaluated on. */
  dataset: string;
  /** Checkpoint step. */
  step: number;
  /** The 12 COCO stats (fractions; −1 where pycocotools reports −1). @ablate/detection's CocoStats fits. */
  stats: EvaluationStats;
  perClass?: ClassAp[];
  prCurves?: unknown;
  /**
   * COCO results (bbox [x, y, w, h] px; with `segmentation` RLEs when the detector has masks),
   * served by GET /runs/:id/detections.
   */
  detections?: CocoDetection[];
  /** Mask AP (iouType 'segm') of a detector with masks: the same 12 stats and per-class AP. */
  segm?: { stats: EvaluationStats; perClass?: ClassAp[] };
}

const STAT_COLUMNS: Record<(typeof EVALUATION_STAT_NAMES)[number], string> = {
  AP: 'ap', AP50: 'ap50', AP75: 'ap75', APs: 'ap_s', APm: 'ap_m', APl: 'ap_l',
  AR1: 'ar1', AR10: 'ar10', AR100: 'ar100', ARs: 'ar_s', ARm: 'ar_m', ARl: 'ar_l',
};

/** Lightweight columns (no detections / PR curves) for listings. */
const SUMMARY_SELECT: FindOptionsSelect<EvaluationEntity> = Object.fromEntries(
  ['id', 'runId', 'dataset', 'step', 'status', ...EVALUATION_STAT_NAMES, ...EVALUATION_STAT_NAMES.map(segmProperty), 'error', 'createdAt', 'finishedAt'].map((k) => [k, true]),
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
      return m.getRepository(EvaluationEntity).findOneByOrFail({ id });
    });
  }

  private async upsertResult(m: EntityManager, runId: string, r: EvaluationResult): Promise<string> {
    // The segm columns are written (null without masks) so a replay overwrites them too.
    const statCols = [...EVALUATION_STAT_NAMES.map((k) => STAT_COLUMNS[k]), ...EVALUATION_STAT_NAMES.map((k) => `segm_${STAT_COLUMNS[k]}`), 'segm_per_class'];
    const params: unknown[] = [randomUUID(), runId, r.dataset, r.step, ...EVALUATION_STAT_NAMES.map((k) => r.stats[k])];
    params.push(...EVALUATION_STAT_NAMES.map((k) => r.segm?.stats[k] ?? null), json(r.segm?.perClass));
    params.push(json(r.perClass), json(r.prCurves), json(r.detections));
    const rows: { id: string }[] = await m.query(
      `INSERT INTO evaluations (id, run_id, dataset, step, ${statCols.join(', ')}, per_class, pr_curves, detections, status, finished_at, error)
       VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')}, 'completed', now(), NULL)
       ON CONFLICT (run_id, dataset, step) DO UPDATE SET
         ${statCols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
         per_class = EXCLUDED.per_class, pr_curves = EXCLUDED.pr_curves, detections = EXCLUDED.detections,
         status = 'completed', finished_at = now(), error = NULL
       RETURNING id`,
      params,
    ).catch((e: unknown) => {
      if (pgErrorCode(e) === '23503') throw new NotFoundError('run', runId); // foreign_key_violation
      throw e;
    });
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
    return { evaluation, created: reset.length > 0 };
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
    return e;
  }

  /** A run's evaluations without their heavy JSON columns, oldest first. */
  async listForRun(runId: string): Promise<EvaluationEntity[]> {
    return this.ds.getRepository(EvaluationEntity).find({ select: SUMMARY_SELECT, where: { runId }, order: { createdAt: 'ASC' } });
  }

  /** The run's final evaluation without detections, or null. */
  async finalOf(runId: string): Promise<EvaluationEntity | null> {
    const rows: { id: string | null }[] = await this.ds.query(`SELECT final_evaluation_id AS id FROM runs WHERE id = $1`, [runId]);
    if (rows.length === 0) throw new NotFoundError('run', runId);
    const id = rows[0].id;
    if (!id) return null;
    return this.ds.getRepository(EvaluationEntity).findOne({
      select: { ...SUMMARY_SELECT, perClass: true, prCurves: true, segmPerClass: true },
      where: { id },
    });
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
}

function json(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}
