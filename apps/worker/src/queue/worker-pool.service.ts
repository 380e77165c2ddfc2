import { getSharedConfigToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Worker, type Job, type QueueOptions } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import { WORKER_CONFIG } from '../config/worker-config.token';
import { workerConfigToEnv, type WorkerConfig } from '../config/worker-config';
import { CANCEL_ABORT_REASON, cancelChannel, QUEUE_NAMES, type QueueName } from '../glue/jobs.glue';
import { resolveHandlers } from '../handlers/handler-registry';
import { QueueHandler } from '../handlers/queue-handler';

/** BullMQ's stalled-job limit, high enough never to be what fails a run (see createWorker). */
const STALLS_BEYOND_COUNTING = 1000;

/**
 * Owns the BullMQ workers of this process: one per queue, built from the queue's one handler.
 * Connection and prefix come from `BullModule.forRoot` (@nestjs/bullmq's shared configuration).
 */
@Injectable()
export class WorkerPool implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WorkerPool');
  private readonly workers = new Map<QueueName, Worker>();
  private cancelSubscriber: Redis | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(getSharedConfigToken()) private readonly bull: QueueOptions,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  /** Discovers the handlers, checks they cover every queue exactly once, starts the workers. */
  onApplicationBootstrap(): void {
    const handlers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is QueueHandler => instance instanceof QueueHandler);
    for (const [queue, handler] of resolveHandlers(handlers, QUEUE_NAMES)) {
      this.workers.set(queue, this.createWorker(queue, handler));
    }
    this.logger.log(`consuming ${[...this.workers.keys()].join(', ')} (prefix '${this.bull.prefix}', concurrency ${this.config.concurrency})`);
    this.listenForCancels();
  }

  /**
   * Aborts the train jobs of runs the API announces cancelled (see `cancelChannel`), so they stop
   * at their next step; cancelJob is a no-op for jobs this process does not hold.
   */
  private listenForCancels(): void {
    const train = this.workers.get('train');
    if (!train) return;
    const subscriber = new IORedis(this.config.redisUrl, { maxRetriesPerRequest: null });
    subscriber.on('error', () => undefined); // reconnects by itself; the store's cancel flag covers the gap
    subscriber.on('message', (_channel: string, message: string) => {
      let runIds: unknown;
      try {
        runIds = JSON.parse(message);
      } catch {
        return;
      }
      if (!Array.isArray(runIds)) return;
      for (const id of runIds) if (typeof id === 'string') train.cancelJob(id, CANCEL_ABORT_REASON);
    });
    void subscriber.subscribe(cancelChannel(this.config.queuePrefix)).catch((err: Error) => this.logger.warn(`cancel channel: ${err.message}`));
    this.cancelSubscriber = subscriber;
  }

  /** The queues this process consumes. */
  queues(): QueueName[] {
    return [...this.workers.keys()];
  }

  /** Resolves once every worker is connected to Redis. */
  async ready(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.waitUntilReady()));
  }

  /**
   * Stops taking jobs, asks the running ones to checkpoint and stop (their processors put them
   * back in the queue to resume elsewhere), and resolves when they have.
   */
  shutdown(): Promise<void> {
    this.closing ??= (async () => {
      this.cancelSubscriber?.disconnect();
      const closed = [...this.workers.values()].map((w) => w.close());
      for (const worker of this.workers.values()) worker.cancelAllJobs('shutdown');
      await Promise.all(closed);
    })();
    return this.closing;
  }

  onApplicationShutdown(): Promise<void> {
    return this.shutdown();
  }

  private createWorker(queue: QueueName, handler: QueueHandler): Worker {
    const spec = handler.spec();
    const options = {
      connection: this.bull.connection,
      prefix: this.bull.prefix,
      concurrency: spec.concurrency,
      lockDuration: this.config.lockMs,
      stalledInterval: this.config.lockMs,
      // A run whose worker died comes back through the stalled check. BullMQ cannot tell a dead
      // worker from a Redis outage longer than the lock (both look like a stall), so its limit is
      // set out of the way and the run's lost workers are counted in the store instead
      // (train-run.ts, maxLostWorkers = ABLATE_MAX_ATTEMPTS): an outage consumes no attempt.
      maxStalledCount: STALLS_BEYOND_COUNTING,
      name: `${queue}@${process.pid}`,
    };
    const worker =
      spec.kind === 'sandbox'
        ? new Worker(queue, spec.file, { ...options, workerForkOptions: { env: { ...process.env, ...workerConfigToEnv(this.config) } } })
        : new Worker(queue, (job: Job, token?: string, signal?: AbortSignal) => spec.process(job, token, signal), options);
    worker.on('failed', (job: Job | undefined, error: Error) => {
      if (!job) return;
      this.logger.warn(`${queue} job ${job.id} failed (attempt ${job.attemptsMade}): ${error.message}`);
      handler.onFailed?.(job, error).catch((err: unknown) => this.logger.error(`recording failure of ${job.id}: ${String(err)}`));
    });
    worker.on('error', (err: Error) => this.logger.error(`${queue} worker: ${err.message}`));
    // A job whose lock is lost (Redis lost it, or it was removed) is stopped in its sandboxed child
    // at the next step, so the child is free again; the API's reconciler re-enqueues the run.
    worker.on('lockRenewalFailed', (jobIds: string[]) => {
      for (const id of jobIds) worker.cancelJob(id, 'lock lost');
    });
    return worker;
  }
}
