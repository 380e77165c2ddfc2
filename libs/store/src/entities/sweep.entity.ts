import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SweepStatus } from './statuses';

/** A sweep: its normalised spec (a `SweepSpec` of @ablate/jobs) and its rolled-up status. Table `sweeps`. */
@Entity({ name: 'sweeps' })
export class SweepEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ name: 'dataset_train', type: 'text' }) datasetTrain!: string;
  @Column({ name: 'dataset_val', type: 'text' }) datasetVal!: string;
  /** The validated `SweepSpec` (grid axes with canonical paths, seeds). */
  @Column({ type: 'jsonb' }) spec!: Record<string, unknown>;
  /** The canonical config paths the grid varies, in grid order: the default rows of its ablation table. */
  @Column({ name: 'varied_paths', type: 'jsonb' }) variedPaths!: string[];
  @Column({ type: 'varchar', length: 32 }) status!: SweepStatus;
  @Column({ type: 'int', nullable: true }) priority!: number | null;
  @Column({ name: 'run_count', type: 'int' }) runCount!: number;
  /** The researcher's tags (GIN-indexed: `tags @> '{a,b}'` finds those carrying both) and note ('' for none). */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) tags!: string[];
  @Column({ type: 'text', default: '' }) note!: string;
  /** The client's `Idempotency-Key`; a repeated POST with it returns this sweep. */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true }) idempotencyKey!: string | null;
  /** SHA-256 (hex) of the canonical JSON of the spec the key came with; null for older sweeps. */
  @Column({ name: 'idempotency_body_sha256', type: 'char', length: 64, nullable: true }) idempotencyBodySha256!: string | null;
  /** Set once the BullMQ flow was added; null means the request died between commit and enqueue. */
  @Column({ name: 'enqueued_at', type: 'timestamptz', nullable: true }) enqueuedAt!: Date | null;
  @Column({ name: 'cancel_requested_at', type: 'timestamptz', nullable: true }) cancelRequestedAt!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
}
