import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { WORKER_CONFIG } from '../config/worker-config.token';
import type { WorkerConfig } from '../config/worker-config';
import { isInfrastructureFailure, parseTrainPayload } from '../glue/jobs.glue';
import type { SweepStorePort } from '../glue/ports';
import { SWEEP_STORE } from '../glue/store.token';
import { rideOutStoreOutages } from '../sandbox/store-outage';
import { QueueHandler, type HandlerSpec } from './queue-handler';

/** The `train` queue: each job trains one run in a sandboxed child (see sandbox/train.processor.ts). */
@Injectable()
export class TrainHandler extends QueueHandler {
  readonly queue = 'train' as const;

  constructor(
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
    @Inject(SWEEP_STORE) private readonly store: SweepStorePort,
  ) {
    super();
  }

  spec(): HandlerSpec {
    return { kind: 'sandbox', file: path.join(__dirname, '..', 'sandbox', 'train.sandbox.js'), concurrency: this.config.concurrency };
  }

  /**
   * A run's final failure (retries exhausted, a crash the sandbox could not record, a stalled job
   * given up on) is recorded here, in the main process, which outlives its children.
   */
  override async onFailed(job: Job, error: Error): Promise<void> {
    if ((await job.getState()) !== 'failed') return; // a retry is coming
    // Not the run's failure: the API's reconciler gives the run another job.
    if (isInfrastructureFailure(error.message)) return;
    const { runId } = parseTrainPayload(job.data);
    // Recorded even across an outage of PostgreSQL (within the budget; past it, the API's
    // reconciler records it from the failed job's reason).
    await rideOutStoreOutages(() => this.store.failRunIfOpen(runId, error.message), { budgetMs: this.config.outageBudgetMs, ping: () => this.store.ping() });
  }
}
