import type { DataSource } from 'typeorm';
import type { MetricValues } from '../entities';

export interface MetricPoint {
  step: number;
  values: MetricValues;
}

/** Per-step metrics, keyed (run, step): a replayed step overwrites its row, never duplicates it. */
export class MetricRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Upserts the metrics of one step (idempotent) and advances the run's progress columns: `step`,
   * and `loss` / `imagesPerSecond` when `values` has them.
   */
  async recordMetrics(runId: string, step: number, values: MetricValues): Promise<void> {
    await this.recordMany(runId, [{ step, values }]);
  }

  /** Upserts several steps in one statement (e.g. buffered between flushes). */
  async recordMany(runId: string, points: MetricPoint[]): Promise<void> {
    if (points.length === 0) return;
    const last = points.reduce((a, b) => (b.step > a.step ? b : a));
    await this.ds.query(
      `WITH upserted AS (
         INSERT INTO metrics (run_id, step, values)
         SELECT $1, p.step, p.values FROM jsonb_to_recordset($2::jsonb) AS p(step int, values jsonb)
         ON CONFLICT (run_id, step) DO UPDATE SET values = EXCLUDED.values, recorded_at = now()
         RETURNING 1)
       UPDATE runs SET step = greatest(step, $3), loss = coalesce($4, loss),
              images_per_second = coalesce($5, images_per_second), updated_at = now()
        WHERE id = $1 AND (SELECT count(*) FROM upserted) >= 0`,
      [runId, JSON.stringify(points), last.step, finite(last.values['loss']), finite(last.values['imagesPerSecond'])],
    );
  }

  /** All steps of a run, in step order. */
  async metricsOf(runId: string): Promise<MetricPoint[]> {
    const rows: MetricPoint[] = await this.ds.query(
      `SELECT step, values FROM metrics WHERE run_id = $1 ORDER BY step`,
      [runId],
    );
    return rows;
  }
}

function finite(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}
