import { ashaPromotions, type Promotion, type RungResult } from '@ablate/jobs';
import { queryDb } from '../testing/e2e-env';
import { eventually, startStack, type Stack } from '../testing/stack';
import { learningSweepSpec } from '../testing/tiny-sweep';

/** η = 3 over rungs of 20 and 60 steps: a third of the runs (as their results come) train on to 60. */
const EARLY_STOPPING = { metric: 'AP50', mode: 'max', minSteps: 20, maxSteps: 60, reductionFactor: 3 };

/**
 * ASHA through the real system: a sweep of six runs with earlyStopping, trained by two worker
 * processes that decide promotions as their rungs end (no driver), then checked against the
 * algorithm replayed over the rung results in the order PostgreSQL recorded them.
 */
describe('ASHA early stopping end to end', () => {
  let stack: Stack;
  let sweepId: string;

  beforeAll(async () => {
    stack = await startStack('asha', { workers: 2 });
    const spec = learningSweepSpec({ name: 'asha lr', grid: { lr: [0.001, 0.003, 0.01, 0.02, 0.03, 0.05] }, steps: 20 }) as { base: { train: Record<string, unknown> }; earlyStopping?: unknown };
    delete spec.base.train['steps'];
    spec.base.train['checkpointEvery'] = 10;
    spec.earlyStopping = EARLY_STOPPING;
    const res = await stack.request<{ id: string; runs: { totalSteps: number }[] }>('POST', '/sweeps', spec);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.runs.map((r) => r.totalSteps)).toEqual([20, 20, 20, 20, 20, 20]);
    sweepId = res.body.id;
    await eventually('the sweep to end', async () => {
      const s = await stack.request<{ status: string }>('GET', `/sweeps/${sweepId}`);
      return ['completed', 'completed_with_failures', 'failed'].includes(s.body.status) ? s : undefined;
    }, 300_000, 1000);
  }, 360_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it('promotes exactly the runs the algorithm promotes on the recorded results, and stops the others at their rung', async () => {
    const results = await queryDb<{ run_id: string; rung: number; value: number; promoted: boolean }>(
      stack.env.databaseUrl,
      'SELECT run_id, rung, value, promoted FROM asha_results WHERE sweep_id = $1 ORDER BY seq',
      [sweepId],
    );
    // Replayed one result at a time, as the workers' transactions saw them.
    const promoted: Promotion[] = [];
    const seen: RungResult[] = [];
    for (const r of results) {
      seen.push({ runId: r.run_id, rung: r.rung, value: r.value });
      promoted.push(...ashaPromotions(seen, promoted, 2, 3, 'max'));
    }
    expect(results.filter((r) => r.rung === 0)).toHaveLength(6);
    // The runs learn different amounts in 20 steps: the ranking is not a tie broken by arrival.
    expect(new Set(results.filter((r) => r.rung === 0).map((r) => r.value)).size).toBeGreaterThan(2);
    const promotedIds = new Set(promoted.map((p) => p.runId));
    expect(promotedIds.size).toBeGreaterThanOrEqual(2);
    expect(new Set(results.filter((r) => r.promoted).map((r) => r.run_id))).toEqual(promotedIds);

    const runs = await queryDb<{ id: string; status: string; step: number; rung: number; total_steps: number }>(
      stack.env.databaseUrl,
      'SELECT id, status, step, rung, total_steps FROM runs WHERE sweep_id = $1',
      [sweepId],
    );
    for (const run of runs) {
      if (promotedIds.has(run.id)) expect(run, 'promoted').toMatchObject({ status: 'completed', step: 60, rung: 1, total_steps: 60 });
      else expect(run, 'stopped').toMatchObject({ status: 'stopped', step: 20, rung: 0 });
    }
    expect((await stack.request<{ status: string }>('GET', `/sweeps/${sweepId}`)).body.status).toBe('completed');
  });

  it("continues a promoted run's curve from its checkpoint: one metric row per step, none repeated", async () => {
    const rows = await queryDb<{ run_id: string; steps: number[] }>(
      stack.env.databaseUrl,
      `SELECT m.run_id, array_agg(m.step ORDER BY m.step) AS steps FROM metrics m JOIN runs r ON r.id = m.run_id
        WHERE r.sweep_id = $1 AND r.status = 'completed' GROUP BY m.run_id`,
      [sweepId],
    );
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) {
      expect(r.steps.at(-1)).toBe(60);
      expect(new Set(r.steps).size).toBe(r.steps.length);
    }
    // Its attempts: one per rung, the second resuming where the first ended.
    const attempts = await queryDb<{ start_step: number; end_step: number }>(
      stack.env.databaseUrl,
      'SELECT start_step, end_step FROM run_attempts WHERE run_id = $1 ORDER BY attempt',
      [rows[0]!.run_id],
    );
    expect(attempts.map((a) => [a.start_step, a.end_step])).toEqual([
      [0, 20],
      [20, 60],
    ]);
  });

  it('keeps stopped runs in the ablation table, pooled over the budget ASHA gave them', async () => {
    const table = await stack.request<{ entries: { runs: number }[]; pooled: string[] }>('GET', `/sweeps/${sweepId}/ablation?rows=train.lr`);
    expect(table.status).toBe(200);
    expect(table.body.entries.reduce((n, e) => n + e.runs, 0)).toBe(6);
    expect(table.body.pooled).toContain('train.steps');
  });
});

describe('ASHA when a worker is killed mid-rung', () => {
  let stack: Stack;
  const WORKER_ENV = { ABLATE_LOCK_MS: '2000' };

  beforeAll(async () => {
    stack = await startStack('asha-kill', { workers: 1, workerEnv: WORKER_ENV });
  }, 120_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it('resumes the lost run at its rung, records each rung result once and still promotes by the algorithm', async () => {
    const spec = learningSweepSpec({ name: 'asha kill', grid: { lr: [0.003, 0.01, 0.03] }, steps: 60 }) as { base: { train: Record<string, unknown> }; earlyStopping?: unknown };
    delete spec.base.train['steps'];
    spec.base.train['checkpointEvery'] = 10;
    spec.earlyStopping = { ...EARLY_STOPPING, minSteps: 60, maxSteps: 180 };
    const res = await stack.request<{ id: string }>('POST', '/sweeps', spec);
    expect(res.status).toBe(201);
    const sweepId = res.body.id;
    const victim = await eventually('a run to pass step 25 of its first rung', async () => {
      const [run] = await queryDb<{ id: string; step: number }>(stack.env.databaseUrl, `SELECT id, step FROM runs WHERE sweep_id = $1 AND status = 'running' AND step > 25`, [sweepId]);
      return run;
    });
    stack.workers[0]!.proc.kill('SIGKILL');
    await stack.addWorker(WORKER_ENV);
    await eventually('the sweep to end', async () => {
      const s = await stack.request<{ status: string }>('GET', `/sweeps/${sweepId}`);
      return s.body.status === 'completed' ? s : undefined;
    }, 240_000, 1000);

    const results = await queryDb<{ run_id: string; rung: number; value: number; promoted: boolean }>(stack.env.databaseUrl, 'SELECT run_id, rung, value, promoted FROM asha_results WHERE sweep_id = $1 ORDER BY seq', [sweepId]);
    expect(results.filter((r) => r.rung === 0).map((r) => r.run_id).sort()).toEqual((await queryDb<{ id: string }>(stack.env.databaseUrl, 'SELECT id FROM runs WHERE sweep_id = $1', [sweepId])).map((r) => r.id).sort());
    const promoted = results.filter((r) => r.promoted).map((r) => r.run_id);
    const best = [...results.filter((r) => r.rung === 0)].sort((a, b) => b.value - a.value)[0]!;
    // Three results at rung 0 with η = 3: the best one goes on (ties aside, the algorithm's choice).
    expect(promoted).toEqual(results.filter((r) => r.rung === 0 && r.value === best.value).slice(0, 1).map((r) => r.run_id));
    const attempts = await queryDb<{ start_step: number; status: string }>(stack.env.databaseUrl, 'SELECT start_step, status FROM run_attempts WHERE run_id = $1 ORDER BY attempt', [victim.id]);
    // The killed attempt, then one resuming from a checkpoint past step 0 (not from scratch).
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts[1]!.start_step).toBeGreaterThan(0);
  }, 300_000);
});
