import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Scalars of one step (loss, classLoss, boxLoss, lr, imagesPerSecond …). */
export type MetricValues = Record<string, number>;

/** Metrics of one run at one step; the key (run_id, step) makes a replayed step overwrite, never duplicate. Table `metrics`. */
@Entity({ name: 'metrics' })
export class MetricEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' }) runId!: string;
  @PrimaryColumn({ type: 'int' }) step!: number;
  @Column({ type: 'jsonb' }) values!: MetricValues;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt!: Date;
}
