import { Logger } from '@nestjs/common';
import { workerConfigFromEnv } from './config/worker-config';
import { createWorkerApp } from './worker-app';

/**
 * `node -r ./scripts/register.js apps/worker/src/main.ts`: a standalone worker, configured from
 * the environment (see WorkerConfig). SIGTERM or SIGINT: stop taking jobs, checkpoint and requeue
 * the running runs (they resume on another worker), exit 0.
 */
async function main(): Promise<void> {
  const logger = new Logger('worker');
  const app = await createWorkerApp(workerConfigFromEnv());
  logger.log(`worker ${process.pid} ready`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: checkpointing active runs and exiting`);
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error(err instanceof Error ? err.message : String(err));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
