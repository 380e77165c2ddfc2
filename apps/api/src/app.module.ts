import { Module, type DynamicModule, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { Store, StoreModule } from '@ablate/store';
import { AblationController } from './ablation/ablation.controller';
import { API_CONFIG, type ApiConfig } from './config/api-config';
import { SessionController } from './console/session.controller';
import { EvaluationsController } from './evaluations/evaluations.controller';
import { EvaluationsService } from './evaluations/evaluations.service';
import { HealthController } from './health/health.controller';
import { AllExceptionsFilter } from './http/http-errors';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { QueueService } from './queue/queue.service';
import { RecipesController } from './recipes/recipes.controller';
import { RecipesService } from './recipes/recipes.service';
import { ReconcilerService } from './reconciler/reconciler.service';
import { RunsController } from './runs/runs.controller';
import { RunsService } from './runs/runs.service';
import { SweepsController } from './sweeps/sweeps.controller';
import { StepCostsService } from './sweeps/step-costs.service';
import { SweepsService } from './sweeps/sweeps.service';

/** Closes the queue connections on shutdown. */
class QueueCloser implements OnApplicationShutdown {
  constructor(@Inject(QueueService) private readonly queues: QueueService) {}
  async onApplicationShutdown(): Promise<void> {
    await this.queues.close();
  }
}

/** The API: controllers (HTTP) → services → Store (PostgreSQL) and QueueService (Redis). */
@Module({})
export class AppModule {
  static forRoot(config: ApiConfig, deps: { store?: Store; queues?: QueueService } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        StoreModule.forRoot({
          url: config.databaseUrl,
          ...(config.artifactDir ? { artifactDir: config.artifactDir } : {}),
          ...(deps.store ? { store: deps.store } : {}),
        }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [SweepsController, RunsController, EvaluationsController, AblationController, RecipesController, HealthController, MetricsController, SessionController],
      providers: [
        { provide: API_CONFIG, useValue: config },
        {
          provide: QueueService,
          useFactory: () =>
            deps.queues ??
            new QueueService({
              redisUrl: config.redisUrl,
              prefix: config.queuePrefix,
              trainAttempts: config.trainAttempts,
              trainBackoffMs: config.trainBackoffMs,
            }),
        },
        QueueCloser,
        ReconcilerService,
        SweepsService,
        StepCostsService,
        RecipesService,
        RunsService,
        EvaluationsService,
        MetricsService,
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    };
  }
}
