import { FlowProducer, Queue } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import { cancelChannel, QUEUE_NAMES, trainJob, trainJobId, type EvaluateJobData, type QueueName, type SweepJobData, type TrainJobPolicy } from '@ablate/jobs';
import type { RunEntity, SweepEntity } from '@ablate/store';
import { closeOrDisconnect } from './close-or-disconnect';

export interface QueueServiceOptions {
  redisUrl: string;
  prefix: string;
  trainAttempts: number;
  trainBackoffMs: number;
}

/** Job states counted for the queue-depth gauge and sweep pages. */
export const JOB_STATES = ['waiting', 'prioritized', 'waiting-children', 'active', 'delayed', 'completed', 'failed'] as const;

/**
 * The API's side of the queues: adds flows and jobs, removes cancelled ones, reads depths.
 * The only place that talks to Redis. Job ids are the run / sweep / evaluation ids, so adding
 * the same entity twice is a no-op in BullMQ.
 */
export class QueueService {
  readonly connection: Redis;
  readonly queues: Record<QueueName, Queue>;
  private readonly flows: FlowProducer;

  constructor(private readonly options: QueueServiceOptions) {
    // Only producers use this connection (nothing blocks on it), so commands may fail fast when
    // Redis is down — a request then gets a 503 instead of hanging.
    this.connection = new IORedis(options.redisUrl, { maxRetriesPerRequest: 2 });
    this.connection.on('error', () => undefined); // reported by /health; avoid unhandled 'error' events
    const common = { connection: this.connection, prefix: options.prefix };
    this.queues = Object.fromEntries(QUEUE_NAMES.map((name) => [name, new Queue(name, common)])) as Record<QueueName, Queue>;
    this.flows = new FlowProducer(common);
  }

  private get trainPolicy(): TrainJobPolicy {
    return { attempts: this.options.trainAttempts, backoffMs: this.options.trainBackoffMs };
  }

  /**
   * Adds a sweep as ONE flow: a parent `sweep` job (id = sweep id) with one `train` child per run
   * (id = run id). Children are added with `ignoreDependencyOnFailure`, so the parent runs once
   * every child has ended, failed ones included: a sweep finishes whatever its runs' fates.
   */
  async enqueueSweep(sweep: SweepEntity, runs: RunEntity[]): Promise<void> {
    const data: SweepJobData = { sweepId: sweep.id };
    await this.flows.add({
      name: 'sweep',
      queueName: 'sweep',
      data,
      opts: { jobId: sweep.id, removeOnComplete: { age: 7 * 24 * 3600 } },
      children: runs.map((run) => {
        const job = trainJob(run, this.trainPolicy);
        return { ...job, queueName: 'train', opts: { ...job.opts, ignoreDependencyOnFailure: true } };
      }),
    });
  }

  /** Adds a lone run's train job (id = run id). */
  async enqueueRun(run: RunEntity): Promise<void> {
    const job = trainJob(run, this.trainPolicy);
    await this.queues.train.add(job.name, job.data, job.opts);
  }

  /**
   * Adds a train job again for a run whose job was lost (the job id is the run's at its rung, so
   * a second call is a no-op), as a job of its own: the sweep's parent job may be gone too, and the
   * store rolls the sweep up on every run end anyway. Its attempts are numbered after the run's earlier ones.
   */
  async reenqueueRun(run: RunEntity): Promise<void> {
    const job = trainJob(run, this.trainPolicy, run.attempts);
    await this.queues.train.add(job.name, job.data, job.opts);
  }

  /** Removes a run's failed train job and adds a new one (same id) in its place. */
  async replaceFailedTrainJob(run: RunEntity): Promise<void> {
    const job = await this.queues.train.getJob(trainJobId(run.id, run.rung));
    if (job && (await job.isFailed())) await job.remove();
    await this.reenqueueRun(run);
  }

  /** The state of a run's train job (at its rung) and, when it failed, why; `missing` when Redis has no such job. */
  async trainJobState(run: Pick<RunEntity, 'id' | 'rung'>): Promise<{ state: string; failedReason?: string }> {
    const job = await this.queues.train.getJob(trainJobId(run.id, run.rung));
    if (!job) return { state: 'missing' };
    const state = await job.getState();
    return state === 'failed' ? { state, failedReason: job.failedReason } : { state };
  }

  /** Adds an evaluate job (id = evaluation id), replacing a finished job of the same id (a retried evaluation). */
  async enqueueEvaluation(data: EvaluateJobData): Promise<void> {
    const previous = await this.queues.evaluate.getJob(data.evaluationId);
    if (previous && ((await previous.isFailed()) || (await previous.isCompleted()))) await previous.remove();
    await this.queues.evaluate.add('evaluate', data, {
      jobId: data.evaluationId,
      attempts: this.options.trainAttempts,
      backoff: { type: 'exponential', delay: this.options.trainBackoffMs },
    });
  }

  /**
   * Removes the train jobs of cancelled runs that have not started (waiting, prioritised,
   * delayed). A removed child also leaves its parent's dependencies, so the sweep job still
   * runs once the remaining children end. Active jobs are locked and stay: the worker stops them.
   * Returns how many jobs were removed.
   */
  async removeTrainJobs(runIds: string[]): Promise<number> {
    let removed = 0;
    for (let i = 0; i < runIds.length; i += 50) {
      const batch = runIds.slice(i, i + 50);
      const results = await Promise.all(
        batch.map(async (id) => {
          const job = await this.queues.train.getJob(id);
          if (!job || (await job.isActive())) return 0;
          return job
            .remove()
            .then(() => 1)
            .catch(() => 0); // became active meanwhile: the worker sees the run cancelled
        }),
      );
      removed += results.reduce((a: number, b: number) => a + b, 0);
    }
    return removed;
  }

  /**
   * Tells every connected worker to stop these training runs at their next step (see
   * `cancelChannel`). Best effort: a worker that misses it sees the store's cancel flag at its
   * next poll.
   */
  async announceCancel(runIds: string[]): Promise<void> {
    if (runIds.length === 0) return;
    await this.connection.publish(cancelChannel(this.options.prefix), JSON.stringify(runIds)).catch(() => undefined);
  }

  /** Job counts by state for each queue. */
  async counts(): Promise<Record<QueueName, Record<string, number>>> {
    const entries = await Promise.all(
      QUEUE_NAMES.map(async (name) => [name, await this.queues[name].getJobCounts(...JOB_STATES)] as const),
    );
    return Object.fromEntries(entries) as Record<QueueName, Record<string, number>>;
  }

  /** Age in seconds of the oldest job waiting to start (waiting or prioritised), per queue; 0 when none wait. */
  async lagSeconds(now = Date.now()): Promise<Record<QueueName, number>> {
    const entries = await Promise.all(
      QUEUE_NAMES.map(async (name) => {
        const jobs = await this.queues[name].getJobs(['wait', 'prioritized'], 0, 20, true);
        const oldest = jobs.reduce((t, j) => Math.min(t, j?.timestamp ?? now), now);
        return [name, Math.max(0, (now - oldest) / 1000)] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<QueueName, number>;
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  async close(): Promise<void> {
    await closeOrDisconnect(this.flows);
    await Promise.all(Object.values(this.queues).map((q) => closeOrDisconnect(q)));
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
