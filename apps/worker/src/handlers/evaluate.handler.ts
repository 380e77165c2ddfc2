import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { WORKER_CONFIG } from '../config/worker-config.token';
import type { WorkerConfig } from '../config/worker-config';
import { parseEvaluatePayload } from '../glue/jobs.glue';
import type { SweepStorePort } from '../glue/ports';
import { SWEEP_STORE } from '../glue/store.token';
import { QueueHandler, type HandlerSpec } from './queue-handler';

/** The `evaluate` queue: a checkpoint evaluated on a dataset, CPU-bound, so sandboxed too. */
@Injectable()
export class EvaluateHandler extends QueueHandler {
  readonly queue = 'evaluate' as const;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(SWEEP_STORE) private readonly store: SweepStorePort,
  ) {
    super();
  }

  spec(): HandlerSpec {
    return { kind: 'sandbox', file: path.join(__dirname, '..', 'sandbox', 'evaluate.sandbox.js'), concurrency: this.config.concurrency };
  }

  /** An evaluation whose job failed for good (retries spent, a lost child) is marked failed. */
  override async onFailed(job: Job, error: Error): Promise<void> {
    if ((await job.getState()) !== 'failed') return;
    await this.store.failEvaluationIfOpen(parseEvaluatePayload(job.data).evaluationId, error.message);
  }
}
