import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CocoDetection } from '@ablate/detection';
import type { EvaluationStatus } from './statuses';

/** The 12 numbers of pycocotools `COCOeval.summarize()` (bbox), in its order; same keys as @ablate/detection's CocoStats. */
export const EVALUATION_STAT_NAMES = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'] as const;
export type EvaluationStatName = (typeof EVALUATION_STAT_NAMES)[number];
export type EvaluationStats = Record<EvaluationStatName, number>;

/** The segm (mask AP) stats as ablation metrics and API fields: `segm.AP`, `segm.AP50`, … */
export const SEGM_STAT_NAMES = EVALUATION_STAT_NAMES.map((k) => `segm.${k}` as const);
export type SegmStatName = `segm.${EvaluationStatName}`;

/** Per-class AP, as the evaluator reports it (@ablate/detection's CocoCategoryAp, plus an optional name). */
export interface ClassAp {
  categoryId: number;
  name?: string;
  /** AP@[.5:.95] of the class; −1 when the class has no ground truth. */
  ap: number;
}

/**
 * A COCO evaluation of one checkpoint of a run on one dataset. The 12 summary stats of
 * pycocotools' `COCOeval.summarize()` are columns (so ablation queries are plain SQL); per-class
 * AP, PR curves and the detections are JSON. Stats are fractions in [0, 1] (−1: no ground truth
 * in that area range, as pycocotools reports it). Table `evaluations`; unique (run_id, dataset, step).
 */
@Entity({ name: 'evaluations' })
export class EvaluationEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'run_id', type: 'uuid' }) runId!: string;
  @Column({ type: 'text' }) dataset!: string;
  /** Checkpoint step evaluated. */
  @Column({ type: 'int' }) step!: number;
  @Column({ type: 'varchar', length: 16 }) status!: EvaluationStatus;
  @Column({ name: 'ap', type: 'double precision', nullable: true }) AP!: number | null;
  @Column({ name: 'ap50', type: 'double precision', nullable: true }) AP50!: number | null;
  @Column({ name: 'ap75', type: 'double precision', nullable: true }) AP75!: number | null;
  @Column({ name: 'ap_s', type: 'double precision', nullable: true }) APs!: number | null;
  @Column({ name: 'ap_m', type: 'double precision', nullable: true }) APm!: number | null;
  @Column({ name: 'ap_l', type: 'double precision', nullable: true }) APl!: number | null;
  @Column({ name: 'ar1', type: 'double precision', nullable: true }) AR1!: number | null;
  @Column({ name: 'ar10', type: 'double precision', nullable: true }) AR10!: number | null;
  @Column({ name: 'ar100', type: 'double precision', nullable: true }) AR100!: number | null;
  @Column({ name: 'ar_s', type: 'double precision', nullable: true }) ARs!: number | null;
  @Column({ name: 'ar_m', type: 'double precision', nullable: true }) ARm!: number | null;
  @Column({ name: 'ar_l', type: 'double precision', nullable: true }) ARl!: number | null;
  @Column({ name: 'per_class', type: 'jsonb', nullable: true }) perClass!: ClassAp[] | null;
  /**
   * Mask AP (iouType 'segm') of a detector with masks, the same 12 stats; all null otherwise.
   * Columns `segm_ap` … `segm_ar_l` (migration SegmStats1764000000000).
   */
  @Column({ name: 'segm_ap', type: 'double precision', nullable: true }) segmAP!: number | null;
  @Column({ name: 'segm_ap50', type: 'double precision', nullable: true }) segmAP50!: number | null;
  @Column({ name: 'segm_ap75', type: 'double precision', nullable: true }) segmAP75!: number | null;
  @Column({ name: 'segm_ap_s', type: 'double precision', nullable: true }) segmAPs!: number | null;
  @Column({ name: 'segm_ap_m', type: 'double precision', nullable: true }) segmAPm!: number | null;
  @Column({ name: 'segm_ap_l', type: 'double precision', nullable: true }) segmAPl!: number | null;
  @Column({ name: 'segm_ar1', type: 'double precision', nullable: true }) segmAR1!: number | null;
  @Column({ name: 'segm_ar10', type: 'double precision', nullable: true }) segmAR10!: number | null;
  @Column({ name: 'segm_ar100', type: 'double precision', nullable: true }) segmAR100!: number | null;
  @Column({ name: 'segm_ar_s', type: 'double precision', nullable: true }) segmARs!: number | null;
  @Column({ name: 'segm_ar_m', type: 'double precision', nullable: true }) segmARm!: number | null;
  @Column({ name: 'segm_ar_l', type: 'double precision', nullable: true }) segmARl!: number | null;
  /** Per-class mask AP (segm), or null. */
  @Column({ name: 'segm_per_class', type: 'jsonb', nullable: true }) segmPerClass!: ClassAp[] | null;
  /** PR curves as the evaluator gives them (e.g. per class: recall thresholds → precision). */
  @Column({ name: 'pr_curves', type: 'jsonb', nullable: true }) prCurves!: unknown;
  /** The detections evaluated, in COCO results format (bbox [x, y, w, h] px). */
  @Column({ type: 'jsonb', nullable: true }) detections!: CocoDetection[] | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
}

/** The entity property of segm stat `k` (`AP` → `segmAP`). */
export function segmProperty(k: EvaluationStatName): `segm${EvaluationStatName}` {
  return `segm${k}`;
}

/** An evaluation's segm stats as a record, or null when it has none (a detector without masks). */
export function segmStatsOf(e: EvaluationEntity): EvaluationStats | null {
  if (e.segmAP === null || e.segmAP === undefined) return null;
  return Object.fromEntries(EVALUATION_STAT_NAMES.map((k) => [k, e[segmProperty(k)] as number])) as EvaluationStats;
}

/** An evaluation as the API shows it: the bbox stats flat, the mask AP nested under `segm` (null without masks). */
export type EvaluationView = Omit<EvaluationEntity, `segm${EvaluationStatName}` | 'segmPerClass'> & {
  segm: (EvaluationStats & { perClass: ClassAp[] | null }) | null;
};

/** {@link EvaluationView} of an entity (partial selects keep their absent fields absent). */
export function evaluationView(e: EvaluationEntity): EvaluationView {
  const rest: Record<string, unknown> = { ...e };
  for (const k of EVALUATION_STAT_NAMES) delete rest[segmProperty(k)];
  delete rest['segmPerClass'];
  const stats = segmStatsOf(e);
  return { ...(rest as Omit<EvaluationEntity, `segm${EvaluationStatName}` | 'segmPerClass'>), segm: stats && { ...stats, perClass: e.segmPerClass ?? null } };
}
