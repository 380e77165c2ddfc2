import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CocoDetection } from '@ablate/detection';
import type { EvaluationStatus } from './statuses';

/** The 12 numbers of pycocotools `COCOeval.summarize()` (bbox, segm), in its order; same keys as @ablate/detection's CocoStats. */
export const EVALUATION_STAT_NAMES = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'] as const;
export type EvaluationStatName = (typeof EVALUATION_STAT_NAMES)[number];
/** The 12 COCO summary stats of one iou type. */
export type EvaluationStats = Record<EvaluationStatName, number>;

/**
 * Summary stats by iou type (`bbox`, `segm`, `keypoints`, …), each metric name → value: the rows
 * of table `evaluation_stats`. Iou type names have no dot (`segm.AP` names segm's AP).
 */
export type StatsByIouType = Record<string, Record<string, number>>;

/** Per-class AP, as the evaluator reports it (@ablate/detection's CocoCategoryAp, plus an optional name). */
export interface ClassAp {
  categoryId: number;
  name?: string;
  /** AP@[.5:.95] of the class; −1 when the class has no ground truth. */
  ap: number;
}

/** Per-class AP by iou type. */
export type PerClassByIouType = Record<string, ClassAp[]>;

/**
 * A COCO evaluation of one checkpoint of a run on one dataset. Its summary stats are rows of
 * `evaluation_stats` (iou type, metric, value), so a new metric or iou type is data, not a
 * migration; per-class AP (by iou type), PR curves and the detections are JSON. Stats are
 * fractions in [0, 1] (−1: no ground truth in that area range, as pycocotools reports it).
 * Table `evaluations`; unique (run_id, dataset, step).
 */
@Entity({ name: 'evaluations' })
export class EvaluationEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'run_id', type: 'uuid' }) runId!: string;
  @Column({ type: 'text' }) dataset!: string;
  /** Checkpoint step evaluated. */
  @Column({ type: 'int' }) step!: number;
  @Column({ type: 'varchar', length: 16 }) status!: EvaluationStatus;
  /** Per-class AP keyed by iou type (`{ bbox: […], segm: […] }`), or null. */
  @Column({ name: 'per_class', type: 'jsonb', nullable: true }) perClass!: PerClassByIouType | null;
  /** PR curves as the evaluator gives them (e.g. per class: recall thresholds → precision). */
  @Column({ name: 'pr_curves', type: 'jsonb', nullable: true }) prCurves!: unknown;
  /** The detections evaluated, in COCO results format (bbox [x, y, w, h] px). */
  @Column({ type: 'jsonb', nullable: true }) detections!: CocoDetection[] | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
  /**
   * The summary stats ({} until completed). Not a column: EvaluationRepository reads them from
   * `evaluation_stats`, because TypeORM cannot map rows of another table onto a record.
   */
  stats!: StatsByIouType;
}

/** One iou type's stats as the API nests them: its metrics, and its per-class AP. */
export type IouTypeView = Record<string, number | null | ClassAp[]>;

/**
 * An evaluation as the API shows it: the bbox stats flat (`AP`, `AP50`, …, `perClass`), every
 * other iou type nested under its name (`segm: { AP, …, perClass }`, `keypoints: {…}`).
 */
export type EvaluationView = Omit<EvaluationEntity, 'stats' | 'perClass'> &
  Partial<Record<EvaluationStatName, number | null>> & { perClass?: ClassAp[] | null; segm: IouTypeView | null } & Record<string, unknown>;

/**
 * Iou types the API has always shown, as null when absent, so clients of a detector without
 * masks keep reading `segm: null`; newer iou types appear only when an evaluation has them.
 */
const ALWAYS_SHOWN_IOU_TYPES = ['segm'];

/**
 * {@link EvaluationView} of an entity (partial selects keep their absent fields absent). With the
 * run's `categories`, each per-class AP carries its class name (the evaluator knows only ids).
 */
export function evaluationView(e: EvaluationEntity, categories?: readonly { id: number; name: string }[] | null): EvaluationView {
  const { stats, perClass: stored, ...rest } = e;
  const perClass = categories ? namePerClass(stored, categories) : stored;
  const byType = stats ?? {};
  const nested: Record<string, IouTypeView | null> = Object.fromEntries(ALWAYS_SHOWN_IOU_TYPES.map((t) => [t, null]));
  for (const type of Object.keys(byType).filter((t) => t !== 'bbox')) nested[type] = { ...byType[type], perClass: perClass?.[type] ?? null };
  return { ...rest, ...bboxView(byType['bbox'], perClass), ...nested } as EvaluationView;
}

/**
 * The flat bbox part of the view. The 12 COCO names are always there (null before completion), as
 * when they were columns; `perClass` only when it was selected.
 */
function bboxView(bbox: Record<string, number> | undefined, perClass: PerClassByIouType | null | undefined): Record<string, unknown> {
  const placeholders = Object.fromEntries(EVALUATION_STAT_NAMES.map((k) => [k, null]));
  return { ...placeholders, ...bbox, ...(perClass === undefined ? {} : { perClass: perClass?.['bbox'] ?? null }) };
}

function namePerClass(perClass: PerClassByIouType | null | undefined, categories: readonly { id: number; name: string }[]): PerClassByIouType | null | undefined {
  if (!perClass) return perClass;
  const names = new Map(categories.map((c) => [c.id, c.name]));
  const named = (rows: ClassAp[]) => rows.map((c) => (names.has(c.categoryId) ? { ...c, name: names.get(c.categoryId)! } : c));
  return Object.fromEntries(Object.entries(perClass).map(([type, rows]) => [type, named(rows)]));
}
