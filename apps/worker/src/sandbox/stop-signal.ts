import { CANCEL_ABORT_REASON } from '../glue/jobs.glue';
/**
 * Why a running job is asked to stop at its next step:
 * - 'shutdown': this worker is going away (SIGTERM, or BullMQ aborted the job on close); the run
 *   checkpoints and goes back to the queue to resume elsewhere;
 * - 'cancelled': a user cancelled the run or its sweep; the run ends as 'cancelled'.
 */
export type StopReason = 'shutdown' | 'cancelled';

/**
 * A latch polled between training steps. `shouldStop` is synchronous (the trainer calls it in
 * its loop), so slow sources — the store's cancel flag — are polled in the background and only
 * set the latch. The first reason wins.
 */
export class StopLatch {
  private stopReason: StopReason | undefined;

  request(reason: StopReason): void {
    this.stopReason ??= reason;
  }

  get reason(): StopReason | undefined {
    return this.stopReason;
  }

  readonly shouldStop = (): boolean => this.stopReason !== undefined;
}

export interface StopSources {
  /** BullMQ's per-job abort signal: the main process aborts its jobs when it shuts down. */
  signal?: AbortSignal;
  /** Resolves true once the run has been cancelled in the store. */
  isCancelled(): Promise<boolean>;
  pollMs: number;
  /** The process to watch for SIGTERM/SIGINT (a sandboxed child gets them from a process group). */
  proc?: NodeJS.Process;
}

/**
 * Connects a {@link StopLatch} to its sources; returns the function that disconnects them.
 * A failed cancel-flag poll is ignored: the next poll retries, and the run must not die
 * because the database blinked.
 */
export function watchStopSources(latch: StopLatch, sources: StopSources): () => void {
  // BullMQ aborts a job for two reasons: the worker closes (shutdown), or the API announced the
  // run's cancellation and the worker called cancelJob(id, CANCEL_ABORT_REASON).
  const onAbort = (): void => latch.request(sources.signal?.reason === CANCEL_ABORT_REASON ? 'cancelled' : 'shutdown');
  const onSignal = (): void => latch.request('shutdown');
  if (sources.signal?.aborted) onAbort();
  sources.signal?.addEventListener('abort', onAbort, { once: true });
  sources.proc?.on('SIGTERM', onSignal);
  sources.proc?.on('SIGINT', onSignal);
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    sources
      .isCancelled()
      .then((cancelled) => cancelled && latch.request('cancelled'))
      .catch(() => undefined)
      .finally(() => (polling = false));
  }, sources.pollMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    sources.signal?.removeEventListener('abort', onAbort);
    sources.proc?.off('SIGTERM', onSignal);
    sources.proc?.off('SIGINT', onSignal);
  };
}
