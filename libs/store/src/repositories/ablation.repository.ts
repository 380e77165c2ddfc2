import type { DataSource } from 'typeorm';
import { EVALUATION_STAT_NAMES, SEGM_STAT_NAMES } from '../entities';
import { buildAblationTable, type AblationQuery, type AblationSample, type AblationTable } from '../ablation/ablation-table';
import type { SweepRepository } from './sweep.repository';

const STAT_SELECT = `e.ap AS "AP", e.ap50 AS "AP50", e.ap75 AS "AP75", e.ap_s AS "APs", e.ap_m AS "APm", e.ap_l AS "APl",
  e.ar1 AS "AR1", e.ar10 AS "AR10", e.ar100 AS "AR100", e.ar_s AS "ARs", e.ar_m AS "ARm", e.ar_l AS "ARl",
  e.segm_ap AS "segm.AP", e.segm_ap50 AS "segm.AP50", e.segm_ap75 AS "segm.AP75", e.segm_ap_s AS "segm.APs",
  e.segm_ap_m AS "segm.APm", e.segm_ap_l AS "segm.APl", e.segm_ar1 AS "segm.AR1", e.segm_ar10 AS "segm.AR10",
  e.segm_ar100 AS "segm.AR100", e.segm_ar_s AS "segm.ARs", e.segm_ar_m AS "segm.ARm", e.segm_ar_l AS "segm.ARl"`;

/** Every metric a sample can carry: the bbox stats and, for detectors with masks, the segm ones. */
const SAMPLE_METRICS = [...EVALUATION_STAT_NAMES, ...SEGM_STAT_NAMES];

interface SampleRow extends Record<string, unknown> {
  id: string;
  sweep_id: string | null;
  config: AblationSample['config'];
  seed: number;
  status: 'completed' | 'failed' | 'diverged';
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
      `SELECT r.id, r.sweep_id, r.config, r.seed, r.status, ${STAT_SELECT}
         FROM runs r LEFT JOIN evaluations e ON e.id = r.final_evaluation_id
        WHERE ${where} AND ((r.status = 'completed' AND e.id IS NOT NULL) OR r.status IN ('failed', 'diverged'))
        ORDER BY r.sweep_id, r.index`,
      params,
    );
    return rows.map((r) => ({
      runId: r.id,
      sweepId: r.sweep_id,
      config: r.config,
      seed: r.seed,
      status: r.status,
      stats: Object.fromEntries(SAMPLE_METRICS.filter((k) => r[k] !== null).map((k) => [k, Number(r[k])])),
    }));
  }

  /** The ablation table of a sweep; rows default to the sweep's varied paths (NotFoundError for an unknown sweep). */
  async forSweep(sweepId: string, query: AblationQuery): Promise<AblationTable> {
    const sweep = await this.sweeps.get(sweepId);
    return buildAblationTable(await this.samplesOfSweep(sweepId), query, sweep.variedPaths);
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
