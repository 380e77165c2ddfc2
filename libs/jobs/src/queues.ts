import { readVariable } from '@ablate/config';
/**
 * The queues between api and worker. Each queue carries exactly one job name, equal to the
 * queue's name, so a processor can switch on `job.name` or the queue alike.
 */
export const QUEUE_NAMES = ['train', 'evaluate', 'sweep'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Named constants for call sites: `Queues.train`. */
export const Queues: { readonly [K in QueueName]: K } = { train: 'train', evaluate: 'evaluate', sweep: 'sweep' };

// Defined once with their environment variables in @ablate/config; the queue's users read them here.
export { DEFAULT_QUEUE_PREFIX, DEFAULT_TRAIN_ATTEMPTS, DEFAULT_TRAIN_BACKOFF_MS } from '@ablate/config';

/** BullMQ key prefix of all Ablate queues (`ablate:train:…` in Redis), from `ABLATE_QUEUE_PREFIX`. Tests use a unique prefix per file. */
export function queuePrefixFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return readVariable('ABLATE_QUEUE_PREFIX', env);
}

/**
 * Redis pub/sub channel on which the API announces runs whose cancellation was requested while
 * they train (a JSON array of run ids). Workers abort those jobs at once, so a run stops at its
 * next step instead of at the next poll of the store's cancel flag (which stays as a fallback:
 * pub/sub delivers only to workers connected at that moment).
 */
export function cancelChannel(prefix: string): string {
  return `${prefix}:cancel-runs`;
}

/** The abort reason of a job cancelled by a user (BullMQ `worker.cancelJob(id, reason)`); any other reason is a shutdown. */
export const CANCEL_ABORT_REASON = 'cancelled';

/**
 * Failures of a job that say nothing about its run: BullMQ's sandbox handed it to a child still
 * busy with a job Redis lost, or the job's lock was lost. The worker does not record them as the
 * run's failure, and the API's reconciler enqueues such a run again instead of failing it.
 */
export const INFRASTRUCTURE_FAILURE = /cannot start a not idling child process|could not renew lock|Missing lock for job|Lock mismatch/i;

/** Whether a job's failure reason is one of INFRASTRUCTURE_FAILURE. */
export function isInfrastructureFailure(reason: string | undefined): boolean {
  return reason !== undefined && INFRASTRUCTURE_FAILURE.test(reason);
}
