import { Logger, ServiceUnavailableException } from '@nestjs/common';

const logger = new Logger('Queue');

/**
 * Runs an enqueue; if Redis fails, answers 503 (the client may retry) instead of a 500, and
 * logs the cause. The rows were committed before: job ids are the row ids, so a retry never
 * doubles a job.
 */
export async function enqueueOr503(enqueue: () => Promise<void>, what: string): Promise<void> {
  try {
    await enqueue();
  } catch (e) {
    logger.error(`${what}: ${(e as Error).message}`);
    throw new ServiceUnavailableException(`queue unavailable: ${what}`);
  }
}
