import type { DataSource } from 'typeorm';
import { ablationMetricName, buildAblationTable, type AblationQuery, type AblationSample, type AblationTable } from '../ablation/ablation-table';
import type { SweepRepository } from './sweep.repository';

interface SampleRow {
  id: string;
  evaluation_id: string | null;
  sweep_id: string | null;
  config: AblationSample['config'];
  seed: number;
  status: 'completed' | 'failed' | 'diverged' | 'stopped';
}

/** Ablation tables from ended runs: completed ones with their final evaluations, failed and diverged ones counted. */
export class AblationRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly sweeps: SweepRepository,
  ) {}

  /** Completed runs of a sweep with their final evaluation, and its failed and diverged runs. */
  async samplesOfSweep(sweepId: string): Promise<AblationSample[]> {
    return this.samples(`r.sweep_id = $1`, [sweepId]);
  }

  /** Ended runs trained on `datasetTrain`, across all sweeps (and lone runs), as samplesOfSweep. */
  async samplesOfDataset(datasetTrain: string): Promise<AblationSample[]> {
    return this.samples(`r.dataset_train = $1`, [datasetTrain]);
  }

  private async samples(where: string, params: unknown[]): Promise<AblationSample[]> {
    const rows: SampleRow[] = await this.ds.query(
      `SELECT r.id, e.id AS evaluation_id, r.sweep_id, r.config, r.seed, r.status
         FROM runs r LEFT JOIN evaluations e ON e.id = r.final_evaluation_id
        WHERE ${where} AND ((r.status IN ('completed', 'stopped') AND e.id IS NOT NULL) OR r.status IN ('failed', 'diverged'))
        ORDER BY r.sweep_id, r.index`,
      params,
    );
    const stats = await this.statsOf(rows.flatMap((r) => (r.evaluation_id ? [r.evaluation_id] : [])));
    return rows.map((r) => ({
      runId: r.id,
      sweepId: r.sweep_id,
      config: r.config,
      seed: r.seed,
      // A run ASHA stopped at a rung is a result like a completed one (at its rung's budget).
      status: r.status === 'stopped' ? 'completed' : r.status,
      stats: (r.evaluation_id && stats.get(r.evaluation_id)) || {},
    }));
  }

  /**
   * Every stored stat of the evaluations, by ablation metric name (`AP`, `segm.AP`, …): all of
   * them, not only the table's metric, because the metrics present are what a query may name.
   */
  private async statsOf(evaluationIds: string[]): Promise<Map<string, AblationSample['stats']>> {
    const rows: { evaluation_id: string; iou_type: string; metric: string; value: number }[] = await this.ds.query(
      `SELECT evaluation_id, iou_type, metric, value FROM evaluation_stats WHERE evaluation_id = ANY($1::uuid[])`,
      [evaluationIds],
    );
    const byId = new Map<string, AblationSample['stats']>();
    for (const r of rows) {
      const stats = byId.get(r.evaluation_id) ?? {};
      stats[ablationMetricName(r.iou_type, r.metric)] = r.value;
      byId.set(r.evaluation_id, stats);
    }
    return byId;
  }

  /** The ablation table of a sweep; rows default to the sweep's varied paths (NotFoundError for an unknown sweep). */
  async forSweep(sweepId: string, query: AblationQuery): Promise<AblationTable> {
    const sweep = await this.sweeps.get(sweepId);
    // Under early stopping each run ends at its own rung: its budget (train.steps) is what ASHA
    // varied, so a cell's runs are pooled over it (the table's `pooled` says so).
    const rungs = 'earlyStopping' in (sweep.spec as object) ? ['train.steps'] : [];
    const pool = [...new Set([...(query.pool ?? []), ...rungs.filter((p) => p !== query.cols && !(query.rows ?? []).includes(p))])];
    return buildAblationTable(await this.samplesOfSweep(sweepId), { ...query, ...(pool.length > 0 ? { pool } : {}) }, sweep.variedPaths);
  }

  /**
   * The ablation table across every sweep trained on `datasetTrain`; rows default to the union
   * of those sweeps' varied paths.
   */
  async forDataset(datasetTrain: string, query: AblationQuery): Promise<AblationTable> {
    const varied: { path: string }[] = await this.ds.query(
      `SELECT DISTINCT jsonb_array_elements_text(varied_paths) AS path FROM sweeps WHERE dataset_train = $1 ORDER BY 1`,
      [datasetTrain],
    );
    return buildAblationTable(await this.samplesOfDataset(datasetTrain), query, varied.map((v) => v.path));
  }
}
