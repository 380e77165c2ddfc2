import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { workerConfigFromEnv } from './config/worker-config';
import type { SweepStorePort } from './glue/ports';
import { SWEEP_STORE } from './glue/store.token';
import { HandlerRegistryError } from './handlers/handler-registry';
import { EvaluateHandler } from './handlers/evaluate.handler';
import { SweepHandler } from './handlers/sweep.handler';
import { TrainHandler } from './handlers/train.handler';
import { WorkerPool } from './queue/worker-pool.service';
import { HANDLERS, WorkerModule } from './worker.module';

/** The store is not what these tests are about (the e2e tests use the real one): an inert stand-in. */
const inertStore: SweepStorePort = { failRunIfOpen: async () => {}, failEvaluationIfOpen: async () => {}, finishSweep: async () => {}, ping: async () => {}, close: async () => {} };

async function boot(handlers: unknown[]) {
  const config = { ...workerConfigFromEnv({}), queuePrefix: `spec-${randomBytes(4).toString('hex')}`, concurrency: 1 };
  const moduleRef = await Test.createTestingModule({ imports: [WorkerModule.forRoot(config, handlers as never[])] })
    .overrideProvider(SWEEP_STORE)
    .useValue(inertStore)
    .setLogger({ log() {}, warn() {}, error() {} } as never)
    .compile();
  return moduleRef;
}

describe('WorkerModule', () => {
  it('refuses to start when a queue has no handler', async () => {
    const app = await boot([TrainHandler, SweepHandler]);
    await expect(app.init()).rejects.toThrow(new HandlerRegistryError(['evaluate'], [], []));
    // Nothing was started: the pool throws before it creates a worker.
    expect(app.get(WorkerPool).queues()).toEqual([]);
  });

  it('refuses to start when a queue has two handlers', async () => {
    class SecondTrainHandler extends TrainHandler {}
    const app = await boot([...HANDLERS, SecondTrainHandler]);
    await expect(app.init()).rejects.toThrow(/more than one handler for queue\(s\) train/);
    expect(app.get(WorkerPool).queues()).toEqual([]);
  });

  it('starts one BullMQ worker per queue against Redis, and closes them', async () => {
    const app = await boot([TrainHandler, EvaluateHandler, SweepHandler]);
    await app.init();
    const pool = app.get(WorkerPool);
    await pool.ready();
    expect(pool.queues()).toEqual(['train', 'evaluate', 'sweep']);
    await app.close();
  });
});
