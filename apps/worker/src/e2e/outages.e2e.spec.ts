import { startThrowawayPostgres, startThrowawayRedis, type ThrowawayPostgres, type ThrowawayRedis } from '@ablate/store/testing';
import { queryDb } from '../testing/e2e-env';
import { metricStepsPerRun, runsOf, stepsUpTo, sweepEnd } from '../testing/fault-checks';
import { eventually, startStack, type Stack } from '../testing/stack';
import { tinySweepSpec } from '../testing/tiny-sweep';

const STEPS = 40;
const WORKER_ENV = { ABLATE_LOCK_MS: '2000', ABLATE_METRICS_EVERY: '1' };

/**
 * Outages of the servers under a sweep: its runs wait them out and resume from their checkpoints,
 * consuming none of their attempts; every run completes with each metric row written once.
 * Throw-away servers on free ports: the shared ones are never restarted.
 */
describe('a sweep through outages', () => {
  let pg: ThrowawayPostgres | undefined;
  let redis: ThrowawayRedis | undefined;
  let stack: Stack | undefined;

  afterEach(async () => {
    await stack?.dispose().catch(() => undefined);
    await pg?.dispose();
    await redis?.dispose();
    stack = pg = redis = undefined;
  });

  const runningPast = (s: Stack, sweepId: string, step: number) =>
    eventually(`a run past step ${step}`, async () => ((await runsOf(s, sweepId)).some((r) => r.status === 'running' && r.step > step) ? true : undefined));

  it('PostgreSQL stopped for 12 s mid-sweep (it used to burn all three attempts of every run in 6 s)', async () => {
    pg = await startThrowawayPostgres();
    // The production lock (30 s, BullMQ's default): on a loaded machine a 2 s one, and once (a
    // clean-clone CI run at load ~4 with other work beside it) a 10 s one, expired on its own and
    // started a second attempt, which is a stall, not what this test is about.
    stack = await startStack('pg-outage', { workers: 2, workerEnv: { ...WORKER_ENV, ABLATE_LOCK_MS: '30000' }, postgresAdminUrl: pg.url });
    const res = await stack.request<{ id: string }>('POST', '/sweeps', tinySweepSpec({ name: 'pg outage', grid: { gamma: [0, 1, 2] }, steps: STEPS }));
    expect(res.status).toBe(201);
    await runningPast(stack, res.body.id, 6);
    await pg.stop();
    await new Promise((r) => setTimeout(r, 12_000));
    await pg.start();

    expect(await sweepEnd(stack, res.body.id)).toBe('completed');
    const runs = await runsOf(stack, res.body.id);
    // Each run trained under its first attempt: the outage consumed none.
    const attempts = await queryDb(stack.env.databaseUrl, 'SELECT run_id, attempt, status, error FROM run_attempts ORDER BY run_id, attempt');
    expect(runs.map((r) => [r.status, r.step, r.attempts]), JSON.stringify(attempts)).toEqual(runs.map(() => ['completed', STEPS, 1]));
    const metrics = await metricStepsPerRun(stack, res.body.id);
    for (const run of runs) expect(metrics.get(run.id), run.id).toEqual(stepsUpTo(STEPS));
  }, 300_000);

  it('Redis restarted with its append-only file mid-run', async () => {
    redis = await startThrowawayRedis({ appendOnly: true });
    stack = await startStack('redis-aof', { workers: 1, workerEnv: WORKER_ENV, redisUrl: redis.url });
    const res = await stack.request<{ id: string }>('POST', '/sweeps', tinySweepSpec({ name: 'redis aof', grid: { gamma: [0, 2] }, steps: STEPS }));
    expect(res.status).toBe(201);
    await runningPast(stack, res.body.id, 6);
    await redis.stop();
    await new Promise((r) => setTimeout(r, 3000));
    await redis.start();
    expect(await sweepEnd(stack, res.body.id)).toBe('completed');
    const runs = await runsOf(stack, res.body.id);
    expect(runs.map((r) => [r.status, r.step])).toEqual(runs.map(() => ['completed', STEPS]));
    const metrics = await metricStepsPerRun(stack, res.body.id);
    for (const run of runs) expect(metrics.get(run.id), run.id).toEqual(stepsUpTo(STEPS));
  }, 300_000);

  it('Redis down longer than the job lock, twice, with ABLATE_MAX_ATTEMPTS=2: BullMQ sees stalls, the run spends no attempt on them', async () => {
    redis = await startThrowawayRedis({ appendOnly: true });
    const env = { ...WORKER_ENV, ABLATE_MAX_ATTEMPTS: '2' };
    stack = await startStack('redis-long', { workers: 1, workerEnv: env, redisUrl: redis.url, apiEnv: { ABLATE_RECONCILE_EVERY_MS: '1000', ABLATE_RECONCILE_GRACE_S: '5' } });
    const res = await stack.request<{ id: string }>('POST', '/sweeps', tinySweepSpec({ name: 'redis long', grid: { gamma: [2] }, steps: 400 }));
    expect(res.status).toBe(201);
    for (const past of [6, 150]) {
      await runningPast(stack, res.body.id, past);
      await redis.stop();
      await new Promise((r) => setTimeout(r, 5000)); // 2.5 × the 2 s lock
      await redis.start();
    }
    const status = await sweepEnd(stack, res.body.id);
    const runs = await runsOf(stack, res.body.id);
    expect(status, JSON.stringify(runs)).toBe('completed');
    expect(runs.map((r) => [r.status, r.step])).toEqual([['completed', 400]]);
    const metrics = await metricStepsPerRun(stack, res.body.id);
    expect(metrics.get(runs[0]!.id)).toEqual(stepsUpTo(400));
  }, 300_000);

  it('the sandboxed training child SIGKILLed: the run resumes from its checkpoint', async () => {
    stack = await startStack('child-kill', { workers: 1, workerEnv: WORKER_ENV });
    const res = await stack.request<{ id: string }>('POST', '/sweeps', tinySweepSpec({ name: 'child kill', grid: { gamma: [2] }, steps: STEPS }));
    expect(res.status).toBe(201);
    await runningPast(stack, res.body.id, 12);
    const [worker] = stack.workers;
    // The child that trains is the worker's child process running the sandbox.
    const children = await queryChildren(worker!.pid);
    expect(children.length).toBeGreaterThan(0);
    for (const pid of children) process.kill(pid, 'SIGKILL');
    expect(await sweepEnd(stack, res.body.id)).toBe('completed');
    const [run] = await runsOf(stack, res.body.id);
    expect([run!.status, run!.step]).toEqual(['completed', STEPS]);
    const attempts = await queryDb<{ attempt: number; status: string; start_step: number }>(
      stack.env.databaseUrl,
      'SELECT attempt, status, start_step FROM run_attempts WHERE run_id = $1 ORDER BY attempt',
      [run!.id],
    );
    expect(attempts.at(-1)).toMatchObject({ status: 'completed' });
    expect(attempts.at(-1)!.start_step).toBeGreaterThan(0); // resumed, not restarted
    const metrics = await metricStepsPerRun(stack, res.body.id);
    expect(metrics.get(run!.id)).toEqual(stepsUpTo(STEPS));
  }, 300_000);
});

/** Pids of the direct children of `pid` (Linux /proc). */
async function queryChildren(pid: number): Promise<number[]> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}
