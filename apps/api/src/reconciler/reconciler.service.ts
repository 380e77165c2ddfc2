import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { isInfrastructureFailure } from '@ablate/jobs';
import { Store, type RunEntity } from '@ablate/store';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { QueueService } from '../queue/queue.service';

/** Advisory lock of the reconciler: one pass at a time across API replicas. */
const RECONCILE_LOCK_KEY = 0x61626c72; // 'ablr'

/** What one pass found and did. */
export interface ReconcileReport {
  at: Date;
  /** Open runs checked against the queue. */
  checked: number;
  /** Runs whose job was missing and were enqueued again. */
  requeued: number;
  /** Runs whose job had failed or finished without the store hearing of it: now recorded as failed. */
  failed: number;
  /** Runs the pass could not check or repair (Redis or PostgreSQL down meanwhile). */
  unrepaired: number;
  /** Sweeps whose status was refreshed because all their runs had ended. */
  sweepsRefreshed: number;
  /** Why the pass stopped early, if it did. */
  error?: string;
}

/**
 * Keeps PostgreSQL and the queues telling the same story. A run that is queued or running in the
 * store but whose train job has vanished (Redis restarted without persistence, a queue emptied
 * from the dashboard, an enqueue that failed) would otherwise wait forever: it is enqueued again
 * (job id = run id, so a repeat is harmless) and resumes from its checkpoint. A job that failed
 * or completed while its row stayed open is recorded as a failure with its reason. Runs at start
 * and every `reconcileEveryMs`, under an advisory lock so replicas take turns.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reconciler');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReconcileReport | undefined> | undefined;
  private last: ReconcileReport | undefined;

  constructor(
    @Inject(Store) private readonly store: Store,
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.reconcileEveryMs <= 0) return;
    void this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), this.config.reconcileEveryMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** The last finished pass of this process (for /health), if any. */
  lastReport(): ReconcileReport | undefined {
    return this.last;
  }

  /** One pass now (or the one already under way); undefined when another replica holds the lock. */
  reconcile(): Promise<ReconcileReport | undefined> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<ReconcileReport | undefined> {
    const report: ReconcileReport = { at: new Date(), checked: 0, requeued: 0, failed: 0, unrepaired: 0, sweepsRefreshed: 0 };
    try {
      const done = await this.store.whileHoldingLock(RECONCILE_LOCK_KEY, async () => {
        const runs = await this.store.runs.openRuns(this.config.reconcileGraceSeconds);
        for (const [i, run] of runs.entries()) {
          try {
            await this.reconcileRun(run, report);
            report.checked += 1;
          } catch (err) {
            report.unrepaired += runs.length - i;
            throw err;
          }
        }
        report.sweepsRefreshed = (await this.store.sweeps.refreshStale()).length;
        return report;
      });
      if (done === undefined) return undefined;
    } catch (err) {
      report.error = (err as Error).message;
      this.logger.warn(`pass stopped: ${report.error}`);
    }
    if (report.requeued + report.failed + report.unrepaired > 0) {
      this.logger.log(`requeued ${report.requeued}, failed ${report.failed}, unrepaired ${report.unrepaired} of ${report.checked + report.unrepaired} open runs`);
    }
    this.last = report;
    return report;
  }

  private async reconcileRun(run: RunEntity, report: ReconcileReport): Promise<void> {
    const job = await this.queues.trainJobState(run);
    switch (job.state) {
      case 'missing':
        if (run.status === 'running') await this.store.runs.requeueLost(run.id, 'its job vanished from the queue; enqueued again by the reconciler');
        await this.queues.reenqueueRun(run);
        report.requeued += 1;
        return;
      case 'failed':
        if (isInfrastructureFailure(job.failedReason)) {
          // Not the run's fault (a busy sandbox child, a lost lock): give it another job.
          if (run.status === 'running') await this.store.runs.requeueLost(run.id, `its job failed for the queue's sake (${job.failedReason}); enqueued again`);
          await this.queues.replaceFailedTrainJob(run);
          report.requeued += 1;
          return;
        }
        await this.store.runs.finishRun(run.id, 'failed', { error: job.failedReason || 'its job failed in the queue without a recorded reason' });
        report.failed += 1;
        return;
      case 'completed':
        // The worker records a run's end before its job completes: an open row means that write was lost.
        await this.store.runs.finishRun(run.id, 'failed', { error: 'its job completed but the run’s end was never recorded' });
        report.failed += 1;
        return;
      default:
        return; // waiting, delayed, prioritized, active, waiting-children: in hand
    }
  }
}
