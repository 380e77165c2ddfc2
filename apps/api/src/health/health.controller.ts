import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Store } from '@ablate/store';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { QueueService } from '../queue/queue.service';
import { ReconcilerService } from '../reconciler/reconciler.service';

/** Bound on each probe, so /health answers even when a dependency hangs. */
const PROBE_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS).unref()),
  ]);
}

/**
 * GET /health (no auth): PostgreSQL, Redis, queue lag and the reconciler, each named with its
 * state; 503 when one is down, the body's `error` naming which (Terminus' format). Documented
 * from @ablate/contract's route `health`.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(Store) private readonly store: Store,
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(ReconcilerService) private readonly reconciler: ReconcilerService,
  ) {}

  @Get()
  // Documented from @ablate/contract (HealthSchema), not from Terminus' own schema.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  check() {
    return this.health.check([
      () => this.probe('postgres', () => this.store.ping()),
      () => this.probe('redis', () => this.queues.ping()),
      async () => {
        const s = this.indicators.check('queues');
        try {
          const lag = await withTimeout(this.queues.lagSeconds(), 'redis');
          const worst = Math.max(...Object.values(lag));
          const data = { lagSeconds: lag, maxLagSeconds: this.config.maxQueueLagSeconds };
          return worst > this.config.maxQueueLagSeconds ? s.down(data) : s.up(data);
        } catch (e) {
          return s.down({ message: (e as Error).message });
        }
      },
      () => this.reconcilerState(),
    ]);
  }

  /** Down while the last reconciler pass of this process left runs it could not check or repair. */
  private reconcilerState() {
    const s = this.indicators.check('reconciler');
    const last = this.reconciler.lastReport();
    if (!last) return s.up({ lastPassAt: null });
    const data = { lastPassAt: last.at.toISOString(), checked: last.checked, requeued: last.requeued, failed: last.failed, unrepaired: last.unrepaired, ...(last.error ? { message: last.error } : {}) };
    return last.unrepaired > 0 || last.error ? s.down(data) : s.up(data);
  }

  private async probe(key: string, ping: () => Promise<void>) {
    const s = this.indicators.check(key);
    try {
      await withTimeout(ping(), key);
      return s.up();
    } catch (e) {
      return s.down({ message: (e as Error).message });
    }
  }
}
