import { workerConfigFromEnv, type WorkerConfig } from '../config/worker-config';
import { createBackendPort } from '../glue/backend.glue';
import type { BackendPort, EvaluationStorePort, EvaluatorPort, PromotionQueuePort, RunStorePort, TrainingPort } from '../glue/ports';
import { createPromotionQueue } from '../glue/promotions.glue';
import { createRunStore } from '../glue/store.glue';
import { createEvaluatorPort, createTrainingPort } from '../glue/training.glue';
import { rideOutStoreOutages } from './store-outage';

/** What a sandboxed child keeps for its whole life: one store connection, one backend. */
export interface ChildContext {
  config: WorkerConfig;
  store: RunStorePort & EvaluationStorePort;
  training: TrainingPort;
  evaluator: EvaluatorPort;
  backend: BackendPort;
  promotions: PromotionQueuePort;
}

let context: Promise<ChildContext> | undefined;

/**
 * The child's context, created on first use. The child pool reuses a child for many jobs, so the
 * database connection and the compute backend are set up once per child, not once per job.
 */
export function childContext(): Promise<ChildContext> {
  context ??= (async () => {
    const config = workerConfigFromEnv();
    // PostgreSQL may be down when the child starts: wait it out like any store call of a job.
    const store = await rideOutStoreOutages(() => createRunStore(config.databaseUrl), {
      budgetMs: config.outageBudgetMs,
      ping: () => probeStore(config.databaseUrl),
    });
    const promotions = createPromotionQueue(config.redisUrl, config.queuePrefix);
    return { config, store, training: createTrainingPort(), evaluator: createEvaluatorPort(), backend: createBackendPort(), promotions };
  })();
  // A context that failed to open is not kept: the next job tries again.
  context.catch(() => (context = undefined));
  return context;
}

/** Resolves when a fresh connection to `databaseUrl` answers. */
async function probeStore(databaseUrl: string): Promise<void> {
  const store = await createRunStore(databaseUrl);
  await store.close();
}
