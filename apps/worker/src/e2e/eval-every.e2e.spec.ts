import { queryDb } from '../testing/e2e-env';
import { eventually, startStack, submitSweepAndWait, type Stack } from '../testing/stack';
import { tinySweepSpec } from '../testing/tiny-sweep';

const STEPS = 30;
const EVAL_EVERY = 10;
const CHECKPOINT_EVERY = 5;
const KEEP = 3;

type EvaluationRow = { id: string; step: number; dataset: string; status: string; ap: number | null };

/**
 * `train.evalEvery` and `train.keepCheckpoints` through a real worker: a one-run sweep over HTTP
 * evaluates on its validation split at steps 10 and 20 as it trains, then finally at 30, every
 * evaluation a row of PostgreSQL at its step; of its checkpoints (every 5 steps) the newest 3 are
 * kept, and POST /evaluations reaches those and no other.
 */
describe('evaluation during training and checkpoint retention, end to end', () => {
  let stack: Stack;
  let runId: string;
  let val: string;

  beforeAll(async () => {
    stack = await startStack('evalevery', { workers: 1 });
    const spec = tinySweepSpec({ name: 'e2e evalEvery', grid: { 'loss.gamma': [2] }, steps: STEPS, checkpointEvery: CHECKPOINT_EVERY }) as {
      base: { train: Record<string, unknown> };
      dataset: { val: string };
    };
    spec.base.train = { ...spec.base.train, evalEvery: EVAL_EVERY, keepCheckpoints: KEEP };
    val = spec.dataset.val;
    const sweepId = await submitSweepAndWait(stack, spec, 120_000);
    const [run] = await queryDb<{ id: string }>(stack.env.databaseUrl, 'SELECT id FROM runs WHERE sweep_id = $1', [sweepId]);
    runId = run!.id;
  }, 240_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  const evaluations = () =>
    queryDb<EvaluationRow>(
      stack.env.databaseUrl,
      `SELECT e.id, e.step, e.dataset, e.status,
              (SELECT s.value FROM evaluation_stats s WHERE s.evaluation_id = e.id AND s.iou_type = 'bbox' AND s.metric = 'AP') AS ap
         FROM evaluations e WHERE e.run_id = $1 ORDER BY e.step`,
      [runId],
    );

  it('stores an evaluation at every evalEvery step and the final one at the last step, once each', async () => {
    const rows = await evaluations();
    expect(rows.map((r) => [r.step, r.dataset, r.status])).toEqual([
      [10, val, 'completed'],
      [20, val, 'completed'],
      [30, val, 'completed'],
    ]);
    for (const r of rows) expect(r.ap).toBeGreaterThanOrEqual(0);
    const [run] = await queryDb<{ final_evaluation_id: string; step: number }>(stack.env.databaseUrl, 'SELECT final_evaluation_id, step FROM runs WHERE id = $1', [runId]);
    expect(run).toEqual({ final_evaluation_id: rows[2]!.id, step: STEPS });
    // The API lists them with the run; the final one stays the run's.
    const listed = await stack.request<{ evaluations: { step: number }[]; finalEvaluation: { id: string } }>('GET', `/runs/${runId}`);
    expect(listed.status).toBe(200);
    expect(listed.body.evaluations.map((e) => e.step)).toEqual([10, 20, 30]);
    expect(listed.body.finalEvaluation.id).toBe(rows[2]!.id);
  });

  it('keeps the newest keepCheckpoints checkpoints, and POST /evaluations reaches those only', async () => {
    const kept = await queryDb<{ step: number }>(stack.env.databaseUrl, `SELECT step FROM artifacts WHERE run_id = $1 AND kind = 'checkpoint' ORDER BY step`, [runId]);
    expect(kept.map((k) => k.step)).toEqual([20, 25, 30]);

    const gone = await stack.request<{ message: string }>('POST', '/evaluations', { runId, step: 15 });
    expect(gone.status).toBe(409);
    expect(gone.body.message).toMatch(/no checkpoint at step 15 \(it has 20, 25, 30\)/);

    const posted = await stack.request<{ id: string }>('POST', '/evaluations', { runId, step: 25 });
    expect(posted.status).toBe(202);
    const done = await eventually('the evaluation to complete', async () => {
      const e = await stack.request<{ status: string; step: number; error: string | null }>('GET', `/evaluations/${posted.body.id}`);
      if (e.body.status === 'failed') throw new Error(`evaluation failed: ${e.body.error}`);
      return e.body.status === 'completed' ? e.body : undefined;
    }, 60_000);
    expect(done.step).toBe(25);
    expect((await evaluations()).map((r) => r.step)).toEqual([10, 20, 25, 30]);
  }, 90_000);
});
