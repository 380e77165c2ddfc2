import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { parseSweepPayload } from '../glue/jobs.glue';
import type { SweepStorePort } from '../glue/ports';
import { SWEEP_STORE } from '../glue/store.token';
import { QueueHandler, type HandlerSpec } from './queue-handler';

/** The run id of a child job key `<prefix>:<queue>:<jobId>` (the job id is the run id). */
export function runIdOfJobKey(jobKey: string): string {
  return jobKey.slice(jobKey.lastIndexOf(':') + 1);
}

/**
 * The `sweep` queue: a sweep's parent job, which BullMQ starts once every child `train` job has
 * ended — completed, or failed for good (the children are enqueued with ignoreDependencyOnFailure).
 * It records failures no sandbox could record and marks the sweep done.
 */
@Injectable()
export class SweepHandler extends QueueHandler {
  readonly queue = 'sweep' as const;

  constructor(@Inject(SWEEP_STORE) private readonly store: SweepStorePort) {
    super();
  }

  spec(): HandlerSpec {
    return { kind: 'inline', concurrency: 4, process: (job) => this.finish(job) };
  }

  private async finish(job: Job): Promise<{ sweepId: string; failedRuns: number }> {
    const { sweepId } = parseSweepPayload(job.data);
    const failures: Record<string, string> = await job.getIgnoredChildrenFailures();
    for (const [jobKey, reason] of Object.entries(failures)) await this.store.failRunIfOpen(runIdOfJobKey(jobKey), reason);
    await this.store.finishSweep(sweepId);
    return { sweepId, failedRuns: Object.keys(failures).length };
  }
}
