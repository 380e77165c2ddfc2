import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { WorkerConfig } from './config/worker-config';
import { WorkerPool } from './queue/worker-pool.service';
import { WorkerModule } from './worker.module';

/** A started worker: its Nest context, and `close` for an orderly shutdown. */
export interface WorkerApp {
  context: INestApplicationContext;
  pool: WorkerPool;
  /** Stops taking jobs, checkpoints and requeues the running ones, closes connections. */
  close(): Promise<void>;
}

/**
 * Starts a worker in this process: a Nest application context (no HTTP) hosting one BullMQ
 * worker per queue. Throws HandlerRegistryError if a queue has no handler or two.
 */
export async function createWorkerApp(config: WorkerConfig, options: { logger?: false | Logger } = {}): Promise<WorkerApp> {
  const context = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: options.logger === false ? false : ['log', 'warn', 'error'],
    abortOnError: false,
  });
  await context.init();
  const pool = context.get(WorkerPool);
  await pool.ready();
  return {
    context,
    pool,
    close: async () => {
      await pool.shutdown();
      await context.close();
    },
  };
}
