import { queryDb } from '../testing/e2e-env';
import { eventually, startStack, type Stack } from '../testing/stack';
import { tinySweepSpec } from '../testing/tiny-sweep';

type Run = { id: string; status: string; step: number; attempts: number; worker_pid: number };
type Attempt = { attempt: number; status: string; worker_pid: number; start_step: number; end_step: number; started_at: Date; error: string | null };

/**
 * One run, three workers in turn: the first is stopped with SIGTERM (it checkpoints and puts the
 * run back in the queue), the second is killed with SIGKILL mid-run (BullMQ's stalled-job check
 * hands the run on once its 2 s lock expires), the third completes it. Each resumes from the last
 * checkpoint in PostgreSQL; every step's metrics are recorded exactly once.
 */
describe('a run whose workers are stopped and killed', () => {
  let stack: Stack;
  const STEPS = 60;
  const CHECKPOINT_EVERY = 5;
  const WORKER_ENV = { ABLATE_LOCK_MS: '2000', ABLATE_METRICS_EVERY: '1' };

  beforeAll(async () => {
    stack = await startStack('crash', { workers: 1, workerEnv: WORKER_ENV });
  }, 120_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  const runOf = async (sweepId: string): Promise<Run> =>
    (await queryDb<Run>(stack.env.databaseUrl, 'SELECT id, status, step, attempts, worker_pid FROM runs WHERE sweep_id = $1', [sweepId]))[0]!;
  const runningPast = (sweepId: string, step: number) =>
    eventually(`the run to pass step ${step}`, async () => {
      const run = await runOf(sweepId);
      return run.status === 'running' && run.step > step ? run : undefined;
    });

  it('resumes from its checkpoint after SIGTERM and after SIGKILL, completes, and duplicates no metric row', async () => {
    const res = await stack.request<{ id: string }>('POST', '/sweeps', tinySweepSpec({ name: 'e2e crash', grid: { gamma: [2] }, steps: STEPS, checkpointEvery: CHECKPOINT_EVERY }));
    expect(res.status).toBe(201);
    const sweepId = res.body.id;
    const [first] = stack.workers;

    // SIGTERM after step 7: the worker stops the run at its next step, checkpoints, requeues, exits 0.
    expect((await runningPast(sweepId, 7)).worker_pid).toBe(first!.pid);
    await first!.stop('SIGTERM');
    expect(await first!.exited).toEqual({ code: 0, signal: null });
    const stopped = await runOf(sweepId);
    expect(stopped.status).toBe('queued');

    // The second worker resumes it; SIGKILL it past two more checkpoints — no chance to clean up.
    const second = await stack.addWorker(WORKER_ENV);
    expect((await runningPast(sweepId, stopped.step + 2 * CHECKPOINT_EVERY)).worker_pid).toBe(second.pid);
    second.proc.kill('SIGKILL');
    expect((await second.exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();

    const third = await stack.addWorker(WORKER_ENV);
    await eventually('the sweep to complete', async () => {
      const s = await stack.request<{ status: string }>('GET', `/sweeps/${sweepId}`);
      return s.body.status === 'completed' ? s : undefined;
    }, 180_000);

    const run = await runOf(sweepId);
    expect(run).toMatchObject({ status: 'completed', step: STEPS, attempts: 3, worker_pid: third.pid });
    const attempts = await queryDb<Attempt>(
      stack.env.databaseUrl,
      'SELECT attempt, status, worker_pid, start_step, end_step, started_at, error FROM run_attempts WHERE run_id = $1 ORDER BY attempt',
      [run.id],
    );
    expect(attempts.map((a) => [a.attempt, a.status, a.worker_pid])).toEqual([
      [1, 'failed', first!.pid],
      [2, 'failed', second.pid],
      [3, 'completed', third.pid],
    ]);
    // SIGTERM: the first attempt ended at the step it checkpointed, and the second started there.
    expect(attempts[0]!.end_step).toBe(stopped.step);
    expect(attempts[0]!.error).toMatch(/shut down/);
    expect(attempts[1]!.start_step).toBe(stopped.step);
    // SIGKILL: the third attempt did not start from zero either.
    expect(attempts[2]!.start_step).toBeGreaterThan(stopped.step + CHECKPOINT_EVERY);
    expect(attempts[2]!.end_step).toBe(STEPS);

    // Every step 1..60 has exactly one metrics row (ABLATE_METRICS_EVERY=1).
    const metrics = await queryDb<{ step: number; recorded_at: Date }>(
      stack.env.databaseUrl,
      'SELECT step, recorded_at FROM metrics WHERE run_id = $1 ORDER BY step',
      [run.id],
    );
    expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    // Resumed, not restarted: the steps before the SIGTERM were written by the first attempt and
    // never replayed (a restart from zero would have rewritten them after the kill).
    for (const m of metrics.filter((m) => m.step <= stopped.step)) expect(m.recorded_at.getTime()).toBeLessThan(attempts[1]!.started_at.getTime());
    expect(metrics.at(-1)!.recorded_at.getTime()).toBeGreaterThan(killedAt);
  }, 300_000);
});
