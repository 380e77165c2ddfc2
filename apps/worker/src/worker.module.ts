import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { WORKER_CONFIG } from './config/worker-config.token';
import type { WorkerConfig } from './config/worker-config';
import type { SweepStorePort } from './glue/ports';
import { createSweepStore } from './glue/store.glue';
import { SWEEP_STORE } from './glue/store.token';
import { EvaluateHandler } from './handlers/evaluate.handler';
import { SweepHandler } from './handlers/sweep.handler';
import { TrainHandler } from './handlers/train.handler';
import { WorkerPool } from './queue/worker-pool.service';

/** The handlers this worker runs; exactly one per queue of the job contract. */
export const HANDLERS = [TrainHandler, EvaluateHandler, SweepHandler];

/** The worker's Nest module: BullMQ connection, the store, the handlers and the pool that runs them. */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig, handlers: DynamicModule['providers'] = HANDLERS): DynamicModule {
    return {
      module: WorkerModule,
      imports: [DiscoveryModule, BullModule.forRoot({ connection: { url: config.redisUrl }, prefix: config.queuePrefix })],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        {
          provide: SWEEP_STORE,
          useFactory: () => createSweepStore(config.databaseUrl),
        },
        {
          // Closes the store after the pool has drained (Nest shuts providers down in reverse order).
          provide: 'SWEEP_STORE_CLOSER',
          inject: [SWEEP_STORE],
          useFactory: (store: SweepStorePort) => ({ onApplicationShutdown: () => store.close() }),
        },
        ...(handlers ?? []),
        WorkerPool,
      ],
    };
  }
}
