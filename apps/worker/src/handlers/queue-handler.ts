import type { Job } from 'bullmq';
import type { QueueName } from '../glue/jobs.glue';

/**
 * How a queue's jobs are processed:
 * - `sandbox`: a processor file run by BullMQ in child processes (CPU-bound work: its event loop
 *   may block for seconds, the main process's never does, so job locks keep being renewed);
 * - `inline`: a function in the main process (short, I/O-bound work).
 */
export type HandlerSpec =
  | { kind: 'sandbox'; file: string; concurrency: number }
  | { kind: 'inline'; concurrency: number; process(job: Job, token?: string, signal?: AbortSignal): Promise<unknown> };

/**
 * A handler of one queue's jobs. Every Nest provider extending this class is discovered at start;
 * each queue of the job contract must have exactly one (see resolveHandlers).
 */
export abstract class QueueHandler {
  abstract readonly queue: QueueName;
  abstract spec(): HandlerSpec;
  /** Called by the main process when a job of this queue failed (each attempt). */
  onFailed?(job: Job, error: Error): Promise<void>;
}
