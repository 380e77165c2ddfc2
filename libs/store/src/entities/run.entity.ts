import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RunConfig } from '@ablate/detection';
import type { RunStatus } from './statuses';

/** One entry of a dataset's category table: its own id and its name. */
export interface RunCategory {
  id: number;
  name: string;
}

/** A dataset a run read, and the sha256 that pins its content (null when it could not be read). */
export interface DatasetFingerprint {
  uri: string;
  sha256: string | null;
}

/**
 * What an attempt ran with, written when it starts: enough to say whether two runs saw the same
 * code, libraries and data.
 */
export interface RunReproducibility {
  /** The checkout the worker ran from; null outside a git checkout (or without git). */
  git: { commit: string; dirty: boolean } | null;
  ablateVersion: string;
  tfjsVersion: string;
  nodeVersion: string;
  datasets: { train: DatasetFingerprint; val: DatasetFingerprint };
  recordedAt: string;
}

/**
 * One training run: a RunConfig, its status, where and how it runs, and its progress.
 * Table `runs`; `params` holds the grid point (canonical path → value) for ablation tables.
 */
@Entity({ name: 'runs' })
export class RunEntity {
  @PrimaryColumn('uuid') id!: string;
  /** null for a run posted on its own. */
  @Column({ name: 'sweep_id', type: 'uuid', nullable: true }) sweepId!: string | null;
  /** Position in the sweep's expansion order; 0 for a lone run. */
  @Column({ type: 'int' }) index!: number;
  /** `runKey` of @ablate/jobs: unique within a sweep. */
  @Column({ type: 'text' }) key!: string;
  @Column({ type: 'varchar', length: 200, nullable: true }) name!: string | null;
  @Column({ type: 'jsonb' }) config!: RunConfig;
  /** The varied parameters (canonical path → value); `{}` for a lone run. */
  @Column({ type: 'jsonb' }) params!: Record<string, unknown>;
  @Column({ type: 'int' }) seed!: number;
  /** `config.dataset.train`, as a column so cross-sweep ablations can filter by index. */
  @Column({ name: 'dataset_train', type: 'text' }) datasetTrain!: string;
  @Column({ type: 'varchar', length: 16 }) status!: RunStatus;
  @Column({ type: 'int', nullable: true }) priority!: number | null;
  /** Attempts started so far (1 after the first start). */
  @Column({ type: 'int' }) attempts!: number;
  /** Worker of the current (or last) attempt. */
  @Column({ name: 'worker_host', type: 'text', nullable: true }) workerHost!: string | null;
  @Column({ name: 'worker_pid', type: 'int', nullable: true }) workerPid!: number | null;
  /** tfjs backend (`tensorflow`, `wasm`, `cpu`) and device (`cpu`, `gpu:0` …) of the current attempt. */
  @Column({ type: 'text', nullable: true }) backend!: string | null;
  @Column({ type: 'text', nullable: true }) device!: string | null;
  /** Last completed step; survives retries (a resumed run continues from its checkpoint). */
  @Column({ type: 'int' }) step!: number;
  @Column({ name: 'total_steps', type: 'int' }) totalSteps!: number;
  /** ASHA's rung the run is at (a sweep's earlyStopping): 0 until promoted; its train job is `trainJobId(id, rung)`. */
  @Column({ type: 'int', default: 0 }) rung!: number;
  @Column({ type: 'double precision', nullable: true }) loss!: number | null;
  @Column({ name: 'images_per_second', type: 'double precision', nullable: true }) imagesPerSecond!: number | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  /** Set by a cancel request; the worker stops the run at its next step. */
  @Column({ name: 'cancel_requested_at', type: 'timestamptz', nullable: true }) cancelRequestedAt!: Date | null;
  /** The training set's category table (sorted by id), written when the worker loads it; null before. */
  @Column({ type: 'jsonb', nullable: true }) categories!: RunCategory[] | null;
  /** Written when an attempt starts (the latest attempt's); null before. */
  @Column({ type: 'jsonb', nullable: true }) reproducibility!: RunReproducibility | null;
  @Column({ name: 'final_evaluation_id', type: 'uuid', nullable: true }) finalEvaluationId!: string | null;
  /** The researcher's tags (GIN-indexed: `tags @> '{a,b}'` finds those carrying both) and note ('' for none). */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags!: string[];
  @Column({ type: 'text', default: '' }) note!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
