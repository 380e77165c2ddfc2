import { randomUUID } from 'node:crypto';
import { planSweep } from '@ablate/jobs';
import { openStore, type Store } from '../store';
import { createTemporaryDatabase, type TemporaryDatabase } from '../testing/temporary-database';

const dataset = { train: 'synthetic:shapes?images=8', val: 'synthetic:shapes?images=4&split=val' };
const earlyStopping = { minSteps: 10, maxSteps: 90, reductionFactor: 3 };

let db: TemporaryDatabase;
let store: Store;
let other: Store;

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_asha');
  store = await openStore({ url: db.url, poolSize: 4 });
  other = await openStore({ url: db.url, poolSize: 4 });
});

afterAll(async () => {
  await store?.close();
  await other?.close();
  await db?.drop();
});

/** A sweep of `n` runs under early stopping, each marked completed at its first rung. */
async function sweepOf(n: number): Promise<{ sweepId: string; runIds: string[] }> {
  const { spec, runs } = planSweep({ name: `asha-${randomUUID()}`, dataset, grid: { lr: Array.from({ length: n }, (_, i) => 0.001 * (i + 1)) }, earlyStopping });
  const created = await store.sweeps.createWithRuns({ spec, runs });
  const runIds = created.runs.map((r) => r.id);
  await store.dataSource.query(`UPDATE runs SET status = 'completed', step = 10 WHERE id = ANY($1::uuid[])`, [runIds]);
  return { sweepId: created.sweep.id, runIds };
}

const statusOf = async (id: string) => ((await store.dataSource.query('SELECT status, rung, total_steps, config FROM runs WHERE id = $1', [id])) as { status: string; rung: number; total_steps: number; config: { train: { steps: number } } }[])[0]!;

describe('ASHA decisions in PostgreSQL', () => {
  it('stops the runs below the top third and queues the promoted one with its budget extended', async () => {
    const { sweepId, runIds } = await sweepOf(3);
    const es = { ...earlyStopping, metric: 'AP', mode: 'max' as const };
    const first = await store.asha.recordRung({ sweepId, runId: runIds[0]!, rung: 0, value: 0.1, earlyStopping: es });
    expect(first).toEqual({ promoted: [], outcome: 'stopped' });
    await store.asha.recordRung({ sweepId, runId: runIds[1]!, rung: 0, value: 0.3, earlyStopping: es });
    // The third result makes ⌊3/3⌋ = 1 promotion: the best, run 1, whose own decision had been "stopped".
    const third = await store.asha.recordRung({ sweepId, runId: runIds[2]!, rung: 0, value: 0.2, earlyStopping: es });
    expect(third.outcome).toBe('stopped');
    expect(third.promoted.map((p) => [p.runId, p.rung, p.steps])).toEqual([[runIds[1], 1, 30]]);
    expect(await statusOf(runIds[1]!)).toMatchObject({ status: 'queued', rung: 1, total_steps: 30, config: { train: { steps: 30 } } });
    expect((await statusOf(runIds[0]!)).status).toBe('stopped');
    // A replay of a recorded result changes nothing.
    expect(await store.asha.recordRung({ sweepId, runId: runIds[2]!, rung: 0, value: 0.9, earlyStopping: es })).toEqual({ promoted: [], outcome: 'stopped' });
    expect((await store.sweeps.get(sweepId)).status).toBe('running');
  });

  it('lets two workers finishing the same rung at once decide in turn: one promotion, no result lost', async () => {
    const { sweepId, runIds } = await sweepOf(3);
    const es = { ...earlyStopping, metric: 'AP', mode: 'max' as const };
    await store.asha.recordRung({ sweepId, runId: runIds[0]!, rung: 0, value: 0.5, earlyStopping: es });
    // Two connections pools, as two workers: each result alone would promote nobody, together they promote one.
    const [a, b] = await Promise.all([
      store.asha.recordRung({ sweepId, runId: runIds[1]!, rung: 0, value: 0.2, earlyStopping: es }),
      other.asha.recordRung({ sweepId, runId: runIds[2]!, rung: 0, value: 0.1, earlyStopping: es }),
    ]);
    const promoted = [...a.promoted, ...b.promoted].map((p) => p.runId);
    expect(promoted).toEqual([runIds[0]]);
    const rows: { n: number }[] = await store.dataSource.query('SELECT count(*)::int AS n FROM asha_results WHERE sweep_id = $1', [sweepId]);
    expect(rows[0]!.n).toBe(3);
    expect((await statusOf(runIds[0]!)).status).toBe('queued');
  });

  it('completes a run at the last rung, and the sweep once no run is left to move', async () => {
    const { sweepId, runIds } = await sweepOf(3);
    const es = { ...earlyStopping, maxSteps: 30, metric: 'AP', mode: 'max' as const };
    for (const [i, v] of [0.1, 0.3, 0.2].entries()) await store.asha.recordRung({ sweepId, runId: runIds[i]!, rung: 0, value: v, earlyStopping: es });
    await store.dataSource.query(`UPDATE runs SET status = 'completed', step = 30 WHERE id = $1`, [runIds[1]]);
    expect((await store.asha.recordRung({ sweepId, runId: runIds[1]!, rung: 1, value: 0.4, earlyStopping: es })).outcome).toBe('completed');
    expect((await store.sweeps.get(sweepId)).status).toBe('completed');
    expect(await store.asha.planOf(runIds[1]!)).toMatchObject({ sweepId, rung: 1, earlyStopping: { minSteps: 10 } });
  });
});
