import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { QUEUE_NAMES } from '@ablate/jobs';
import { Store } from '@ablate/store';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { QueueService } from '../queue/queue.service';
import { closeOrDisconnect } from '../queue/close-or-disconnect';

/**
 * Prometheus metrics on a registry of this app (not the global one, so several apps can live in
 * one process): queue depth by state and runs by status are read from Redis / PostgreSQL at
 * scrape time; job durations are observed from BullMQ's queue events as jobs end.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly events: QueueEvents[] = [];
  private readonly durations: Histogram<'queue' | 'outcome'>;

  constructor(
    @Inject(Store) private readonly store: Store,
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    const store_ = this.store;
    const queues_ = this.queues;
    collectDefaultMetrics({ register: this.registry, prefix: 'ablate_api_' });
    new Gauge({
      name: 'ablate_queue_jobs',
      help: 'Jobs in each queue by state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        const counts = await queues_.counts();
        for (const [queue, byState] of Object.entries(counts)) {
          for (const [state, n] of Object.entries(byState)) this.set({ queue, state }, n);
        }
      },
    });
    new Gauge({
      name: 'ablate_queue_lag_seconds',
      help: 'Age of the oldest job waiting to start, per queue',
      labelNames: ['queue'],
      registers: [this.registry],
      async collect() {
        for (const [queue, lag] of Object.entries(await queues_.lagSeconds())) this.set({ queue }, lag);
      },
    });
    new Gauge({
      name: 'ablate_runs',
      help: 'Runs by status (all sweeps)',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        for (const [status, n] of Object.entries(await store_.runs.countByStatus())) this.set({ status }, n);
      },
    });
    new Gauge({
      name: 'ablate_images_per_second',
      help: 'Training throughput summed over running runs (images/s)',
      registers: [this.registry],
      async collect() {
        this.set(await store_.runs.runningThroughput());
      },
    });
    this.durations = new Histogram({
      name: 'ablate_job_duration_seconds',
      help: 'Processing time of jobs (start to end of the last attempt) by queue and outcome',
      labelNames: ['queue', 'outcome'],
      // Train jobs take minutes to hours; evaluate and sweep jobs seconds.
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600],
      registers: [this.registry],
    });
  }

  async onModuleInit(): Promise<void> {
    for (const name of QUEUE_NAMES) {
      const events = new QueueEvents(name, { connection: { url: this.config.redisUrl }, prefix: this.config.queuePrefix });
      events.on('error', () => undefined);
      const observe = async (jobId: string, outcome: 'completed' | 'failed') => {
        const job = await this.queues.queues[name].getJob(jobId).catch(() => undefined);
        if (job?.processedOn && job.finishedOn) this.durations.observe({ queue: name, outcome }, (job.finishedOn - job.processedOn) / 1000);
      };
      events.on('completed', ({ jobId }) => void observe(jobId, 'completed'));
      events.on('failed', ({ jobId }) => void observe(jobId, 'failed'));
      this.events.push(events);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.events.map((e) => closeOrDisconnect(e)));
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
