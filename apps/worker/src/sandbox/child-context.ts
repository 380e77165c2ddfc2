import { workerConfigFromEnv, type WorkerConfig } from '../config/worker-config';
import { createBackendPort } from '../glue/backend.glue';
import type { BackendPort, EvaluationStorePort, EvaluatorPort, RunStorePort, TrainingPort } from '../glue/ports';
import { createRunStore } from '../glue/store.glue';
import { createEvaluatorPort, createTrainingPort } from '../glue/training.glue';

/** What a sandboxed child keeps for its whole life: one store connection, one backend. */
export interface ChildContext {
  config: WorkerConfig;
  store: RunStorePort & EvaluationStorePort;
  training: TrainingPort;
  evaluator: EvaluatorPort;
  backend: BackendPort;
}

let context: Promise<ChildContext> | undefined;

/**
 * The child's context, created on first use. The child pool reuses a child for many jobs, so the
 * database connection and the compute backend are set up once per child, not once per job.
 */
export function childContext(): Promise<ChildContext> {
  context ??= (async () => {
    const config = workerConfigFromEnv();
    return {
      config,
      store: await createRunStore(config.databaseUrl),
      training: createTrainingPort(),
      evaluator: createEvaluatorPort(),
      backend: createBackendPort(),
    };
  })();
  return context;
}
