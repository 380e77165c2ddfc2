import { queryDb } from '../testing/e2e-env';
import { eventually, startStack, type Stack } from '../testing/stack';
import { tinySweepSpec } from '../testing/tiny-sweep';

/**
 * A worker killed with SIGKILL in the middle of a run: BullMQ's stalled-job check hands the run to
 * another worker, which resumes from the last checkpoint in PostgreSQL and completes it, with every
 * step's metrics recorded once. A short lock (2 s) makes the loss noticed in seconds.
 */
describe('a worker killed mid-run', () => {
  let stack: Stack;
  const STEPS = 40;
  const CHECKPOINT_EVERY = 5;

  beforeAll(async () => {
    stack = await startStack('crash', { workers: 1, workerEnv: { ABLATE_LOCK_MS: '2000', ABLATE_METRICS_EVERY: '1' } });
  }, 120_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it('is retried elsewhere, resumes from its checkpoint, completes, and duplicates no metric row', async () => {
    const res = await stack.request<{ id: string }>('POST', '/sweeps', tinySweepSpec({ name: 'e2e crash', grid: { gamma: [2] }, steps: STEPS, checkpointEvery: CHECKPOINT_EVERY }));
    expect(res.status).toBe(201);
    const sweepId = res.body.id;
    const runQuery = 'SELECT id, status, step, attempts, worker_pid FROM runs WHERE sweep_id = $1';
    type Run = { id: string; status: string; step: number; attempts: number; worker_pid: number };

    // Past two checkpoints (steps 5 and 10), kill the worker that runs it — no chance to clean up.
    const running = await eventually('the run to pass step 12', async () => {
      const [run] = await queryDb<Run>(stack.env.databaseUrl, runQuery, [sweepId]);
      return run && run.status === 'running' && run.step >= 12 ? run : undefined;
    });
    const [victim] = stack.workers;
    expect(running.worker_pid).toBe(victim!.pid);
    victim!.proc.kill('SIGKILL');
    expect((await victim!.exited).signal).toBe('SIGKILL');
    const killedAt = new Date();

    await stack.addWorker({ ABLATE_LOCK_MS: '2000', ABLATE_METRICS_EVERY: '1' });
    const done = await eventually('the sweep to complete', async () => {
      const s = await stack.request<{ status: string }>('GET', `/sweeps/${sweepId}`);
      return s.body.status === 'completed' ? s : undefined;
    }, 120_000);
    expect(done.body.status).toBe('completed');

    const [run] = await queryDb<Run>(stack.env.databaseUrl, runQuery, [sweepId]);
    expect(run).toMatchObject({ status: 'completed', step: STEPS, attempts: 2, worker_pid: stack.workers[1]!.pid });

    const attempts = await queryDb<{ attempt: number; status: string; worker_pid: number; start_step: number; end_step: number; started_at: Date }>(
      stack.env.databaseUrl,
      'SELECT attempt, status, worker_pid, start_step, end_step, started_at FROM run_attempts WHERE run_id = $1 ORDER BY attempt',
      [run!.id],
    );
    expect(attempts.map((a) => [a.attempt, a.status, a.worker_pid])).toEqual([
      [1, 'failed', victim!.pid],
      [2, 'completed', stack.workers[1]!.pid],
    ]);
    // The second attempt did not start from zero.
    expect(attempts[1]!.start_step).toBeGreaterThanOrEqual(2 * CHECKPOINT_EVERY);
    expect(attempts[1]!.end_step).toBe(STEPS);

    // Every step 1..40 has exactly one metrics row (ABLATE_METRICS_EVERY=1): 40 rows, 40 distinct steps.
    const metrics = await queryDb<{ step: number; recorded_at: Date }>(
      stack.env.databaseUrl,
      'SELECT step, recorded_at FROM metrics WHERE run_id = $1 ORDER BY step',
      [run!.id],
    );
    expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    // Resumed, not restarted: the steps up to the first checkpoint (1..5) were written by the
    // killed attempt and never replayed; a restart from zero would have rewritten them.
    for (const m of metrics.filter((m) => m.step <= CHECKPOINT_EVERY)) expect(m.recorded_at.getTime()).toBeLessThan(killedAt.getTime());
    expect(metrics.at(-1)!.recorded_at.getTime()).toBeGreaterThan(attempts[1]!.started_at.getTime());
  }, 240_000);
});
