import { Queue } from 'bullmq';
import { readVariable } from '@ablate/config';
import { trainJob } from '@ablate/jobs';
import type { PromotionQueuePort } from './ports';

/**
 * The train queue as a promoting worker uses it: one job per promoted run at its new rung, with
 * the retry policy the API gives first jobs. Should this process die between the decision (in
 * PostgreSQL) and the add, the API's reconciler finds the queued run without its rung's job and
 * adds it: no promotion is lost with a worker.
 */
export function createPromotionQueue(redisUrl: string, prefix: string): PromotionQueuePort & { close(): Promise<void> } {
  let queue: Queue | undefined;
  const policy = { attempts: readVariable('ABLATE_TRAIN_ATTEMPTS'), backoffMs: readVariable('ABLATE_TRAIN_BACKOFF_MS') };
  return {
    async enqueue(runs) {
      if (runs.length === 0) return;
      queue ??= new Queue('train', { connection: { url: redisUrl }, prefix });
      await queue.addBulk(runs.map((run) => trainJob({ id: run.runId, sweepId: run.sweepId, config: run.config, priority: run.priority, rung: run.rung }, policy, run.attempts)));
    },
    close: async () => queue?.close(),
  };
}
