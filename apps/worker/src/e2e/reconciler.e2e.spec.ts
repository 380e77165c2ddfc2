import { Queue } from 'bullmq';
import { startThrowawayRedis, type ThrowawayRedis } from '@ablate/store/testing';
import { metricStepsPerRun, runsOf, stepsUpTo, sweepEnd } from '../testing/fault-checks';
import { eventually, startStack, type Stack } from '../testing/stack';
import { tinySweepSpec } from '../testing/tiny-sweep';

const STEPS = 30;
const WORKER_ENV = { ABLATE_LOCK_MS: '2000', ABLATE_METRICS_EVERY: '1' };
/** The reconciler passes every second and leaves runs alone for 3 s (a test-sized grace). */
const API_ENV = { ABLATE_RECONCILE_EVERY_MS: '1000', ABLATE_RECONCILE_GRACE_S: '3' };

async function expectEveryRunCompletedOnce(stack: Stack, sweepId: string): Promise<void> {
  const status = await sweepEnd(stack, sweepId);
  const runs = await runsOf(stack, sweepId);
  expect(status, JSON.stringify(runs)).toBe('completed');
  expect(runs.map((r) => [r.status, r.step])).toEqual(runs.map(() => ['completed', STEPS]));
  const metrics = await metricStepsPerRun(stack, sweepId);
  for (const run of runs) expect(metrics.get(run.id), run.id).toEqual(stepsUpTo(STEPS));
}

/**
 * Runs whose BullMQ jobs vanish behind the API's back are found by the API's reconciler,
 * enqueued again (job id = run id) and trained to the end: no run stays `queued` forever.
 */
describe('the reconciler repairs runs whose jobs vanished', () => {
  it('after the train queue is emptied behind the API’s back', async () => {
    const stack = await startStack('reconcile-empty', { workers: 1, workerEnv: WORKER_ENV, apiEnv: API_ENV });
    try {
      const res = await stack.request<{ id: string }>('POST', '/sweeps', tinySweepSpec({ name: 'emptied', grid: { gamma: [0, 1, 2] }, steps: STEPS }));
      expect(res.status).toBe(201);
      await eventually('a run to train', async () => ((await runsOf(stack, res.body.id)).some((r) => r.status === 'running' && r.step > 2) ? true : undefined));
      const train = new Queue('train', { connection: { url: stack.env.redisUrl }, prefix: stack.env.prefix });
      await train.obliterate({ force: true });
      expect(await train.getJobCounts('waiting', 'prioritized', 'active')).toEqual({ waiting: 0, prioritized: 0, active: 0 });
      await train.close();
      await expectEveryRunCompletedOnce(stack, res.body.id);
    } finally {
      await stack.dispose();
    }
  }, 300_000);

  it('after Redis restarts without its append-only file and loses every job', async () => {
    const redis: ThrowawayRedis = await startThrowawayRedis({ appendOnly: false });
    const stack = await startStack('reconcile-redis', { workers: 1, workerEnv: WORKER_ENV, apiEnv: API_ENV, redisUrl: redis.url });
    try {
      const res = await stack.request<{ id: string }>('POST', '/sweeps', tinySweepSpec({ name: 'redis lost', grid: { gamma: [0, 1, 2] }, steps: STEPS }));
      expect(res.status).toBe(201);
      await eventually('a run to train', async () => ((await runsOf(stack, res.body.id)).some((r) => r.status === 'running' && r.step > 2) ? true : undefined));
      await redis.stop();
      await redis.start();
      await expectEveryRunCompletedOnce(stack, res.body.id);
      const health = await fetch(`${stack.apiUrl}/health`);
      const body = (await health.json()) as { info?: Record<string, { status: string }>; details: Record<string, { status: string; unrepaired?: number }> };
      expect(Object.keys(body.details).sort()).toEqual(['postgres', 'queues', 'reconciler', 'redis']);
      expect(body.details['reconciler']!.status).toBe('up');
    } finally {
      await stack.dispose();
      await redis.dispose();
    }
  }, 300_000);
});
