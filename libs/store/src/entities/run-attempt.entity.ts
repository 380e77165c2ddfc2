import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AttemptStatus } from './statuses';

/** One attempt at a run (BullMQ's attemptsMade + 1): which worker, from which step, how it ended. Table `run_attempts`. */
@Entity({ name: 'run_attempts' })
export class RunAttemptEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' }) runId!: string;
  /** 1-based. */
  @PrimaryColumn({ type: 'int' }) attempt!: number;
  @Column({ name: 'worker_host', type: 'text' }) workerHost!: string;
  @Column({ name: 'worker_pid', type: 'int' }) workerPid!: number;
  @Column({ type: 'text' }) backend!: string;
  @Column({ type: 'text' }) device!: string;
  @Column({ type: 'varchar', length: 16 }) status!: AttemptStatus;
  /** Step the attempt resumed from (0 for a fresh start). */
  @Column({ name: 'start_step', type: 'int' }) startStep!: number;
  @Column({ name: 'end_step', type: 'int', nullable: true }) endStep!: number | null;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt!: Date;
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true }) endedAt!: Date | null;
}
