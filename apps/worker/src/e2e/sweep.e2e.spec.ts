import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import { SHAPE_CLASSES } from '@ablate/data';
import { queryDb } from '../testing/e2e-env';
import { eventually, startStack, type Stack } from '../testing/stack';
import { LEARNING_SWEEP_VAL, learningSweepSpec, tinySweepSpec } from '../testing/tiny-sweep';

/** A bbox stat of evaluation `e` (a row of evaluation_stats), as SQL. */
const bboxStat = (metric: string): string => `(SELECT s.value FROM evaluation_stats s WHERE s.evaluation_id = e.id AND s.iou_type = 'bbox' AND s.metric = '${metric}')`;

/** Steps of the main sweep's runs: enough that their APs differ (learningSweepSpec). */
const STEPS = 60;

/** A COCO training set under the data root whose one image is not an image. */
const BROKEN_COCO = 'broken/train.json';

function writeBrokenCoco(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ablate-e2e-data-'));
  fs.mkdirSync(path.join(root, 'broken'));
  fs.writeFileSync(path.join(root, 'broken', 'broken.png'), 'not a png');
  const coco = {
    images: [{ id: 1, file_name: 'broken.png', width: 32, height: 32 }],
    annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [4, 4, 10, 10], area: 100, iscrowd: 0 }],
    categories: SHAPE_CLASSES.map((name, i) => ({ id: i + 1, name })),
  };
  fs.writeFileSync(path.join(root, BROKEN_COCO), JSON.stringify(coco));
  return root;
}

/**
 * A sweep submitted over HTTP, trained by two real worker processes (one run at a time each),
 * read back as an ablation table. Real Redis, real PostgreSQL, a database and queue prefix of
 * this file's own.
 */
describe('a sweep end to end: REST → BullMQ flow → two worker processes → PostgreSQL → ablation table', () => {
  let stack: Stack;
  let sweepId: string;

  beforeAll(async () => {
    // The API and workers inherit this process's environment: one data root for both.
    process.env['ABLATE_DATA_ROOT'] = writeBrokenCoco();
    stack = await startStack('sweep', { workers: 2 });
    // 2 γ × 2 α = 4 runs of 60 steps, whose APs differ.
    const res = await stack.request<{ id: string }>('POST', '/sweeps', learningSweepSpec({ name: 'e2e γ×α', grid: { gamma: [0, 2], alpha: [0.25, 0.75] }, steps: STEPS }));
    expect(res.status).toBe(201);
    sweepId = res.body.id;
    await eventually('the sweep to complete', async () => {
      const s = await stack.request<{ status: string }>('GET', `/sweeps/${sweepId}`);
      return s.body.status === 'completed' ? s : undefined;
    }, 180_000);
  }, 300_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it('trains and evaluates every run once, each on one of the two workers', async () => {
    const runs = await queryDb<{ id: string; status: string; step: number; attempts: number; worker_pid: number; final_evaluation_id: string | null }>(
      stack.env.databaseUrl,
      'SELECT id, status, step, attempts, worker_pid, final_evaluation_id FROM runs WHERE sweep_id = $1',
      [sweepId],
    );
    expect(runs).toHaveLength(4);
    for (const run of runs) {
      expect(run).toMatchObject({ status: 'completed', step: STEPS, attempts: 1 });
      expect(run.final_evaluation_id).not.toBeNull();
    }
    const pids = new Set(runs.map((r) => r.worker_pid));
    expect([...pids].sort()).toEqual(stack.workers.map((w) => w.pid).sort());
  });

  it('never runs the same run twice at once, and each worker one run at a time', async () => {
    const attempts = await queryDb<{ run_id: string; worker_pid: number; started_at: Date; ended_at: Date }>(
      stack.env.databaseUrl,
      `SELECT a.run_id, a.worker_pid, a.started_at, a.ended_at FROM run_attempts a JOIN runs r ON r.id = a.run_id
        WHERE r.sweep_id = $1 ORDER BY a.started_at`,
      [sweepId],
    );
    // One attempt per run: no run was started twice (in parallel or after the fact).
    expect(attempts.map((a) => a.run_id).sort()).toEqual([...new Set(attempts.map((a) => a.run_id))].sort());
    expect(attempts).toHaveLength(4);
    // Per worker (ABLATE_CONCURRENCY=1), consecutive attempts do not overlap in time.
    for (const pid of new Set(attempts.map((a) => a.worker_pid))) {
      const mine = attempts.filter((a) => a.worker_pid === pid);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.started_at.getTime()).toBeGreaterThanOrEqual(mine[i - 1]!.ended_at.getTime());
    }
    // BullMQ agrees: every train job was started exactly once.
    const queue = new Queue('train', { connection: { url: stack.env.redisUrl }, prefix: stack.env.prefix });
    try {
      const jobs = await queue.getJobs(['completed']);
      expect(jobs.map((j) => [j.id, j.attemptsStarted]).sort()).toEqual(attempts.map((a) => [a.run_id, 1]).sort());
    } finally {
      await queue.close();
    }
  });

  it('records metrics once per step and a COCO evaluation per run', async () => {
    const counts = await queryDb<{ rows: number; steps: number }>(
      stack.env.databaseUrl,
      `SELECT count(*)::int AS rows, count(DISTINCT (m.run_id, m.step))::int AS steps FROM metrics m JOIN runs r ON r.id = m.run_id WHERE r.sweep_id = $1`,
      [sweepId],
    );
    // ABLATE_METRICS_EVERY defaults to 10: steps 10, 20, …, 60 of each of 4 runs = 24 rows, none twice.
    expect(counts[0]).toEqual({ rows: 24, steps: 24 });
    const evals = await queryDb<{ ap: number; ap50: number }>(
      stack.env.databaseUrl,
      `SELECT ${bboxStat('AP')} AS ap, ${bboxStat('AP50')} AS ap50 FROM evaluations e JOIN runs r ON r.final_evaluation_id = e.id WHERE r.sweep_id = $1`,
      [sweepId],
    );
    expect(evals).toHaveLength(4);
    for (const e of evals) expect(e.ap50).toBeGreaterThanOrEqual(e.ap);
    // The runs learned (best AP50 ≈ 0.13 when measured) and differ from each other: four γ × α
    // settings, four different results.
    expect(Math.max(...evals.map((e) => e.ap50))).toBeGreaterThan(0.05);
    expect(new Set(evals.map((e) => e.ap50)).size).toBe(4);
  });

  it('serves the ablation table: AP50 by γ (rows) and α (columns), each cell its own run\'s evaluation', async () => {
    const evals = await queryDb<{ gamma: number; alpha: number; ap50: number }>(
      stack.env.databaseUrl,
      `SELECT (r.config->'loss'->>'gamma')::float8 AS gamma, (r.config->'loss'->>'alpha')::float8 AS alpha, ${bboxStat('AP50')} AS ap50
         FROM runs r JOIN evaluations e ON e.id = r.final_evaluation_id WHERE r.sweep_id = $1`,
      [sweepId],
    );
    // Four different values (checked above), so a run placed in another run's cell fails here.
    const json = await stack.request<{ mode: string; columns: string[]; entries: { key: Record<string, number>; cells: Record<string, { mean: number; n: number }> }[] }>(
      'GET',
      `/sweeps/${sweepId}/ablation?rows=loss.gamma&cols=loss.alpha&metric=AP50&format=json`,
    );
    expect(json.status).toBe(200);
    expect(json.body.mode).toBe('pivot');
    expect(json.body.columns).toEqual(['0.25', '0.75']);
    expect(json.body.entries.map((e) => e.key['loss.gamma'])).toEqual([0, 2]);
    // One seed: each cell is the mean of one run, its AP50.
    for (const e of evals) {
      const row = json.body.entries.find((r) => r.key['loss.gamma'] === e.gamma)!;
      expect(row.cells[JSON.stringify(e.alpha)]).toMatchObject({ mean: e.ap50, n: 1 });
    }

    const md = await stack.request<string>('GET', `/sweeps/${sweepId}/ablation?rows=loss.gamma&cols=loss.alpha&metric=AP&format=md`);
    expect(md.status).toBe(200);
    const table = md.body.split('\n').filter((l) => l.startsWith('|'));
    // A header, a separator, one row per γ.
    expect(table).toHaveLength(4);
    expect(table[0]).toMatch(/loss\.alpha=0\.25.*loss\.alpha=0\.75/);
    expect(table[2]).toMatch(/^\|\s*0\s*\|/);
    expect(table[3]).toMatch(/^\|\s*2\s*\|/);
  });

  it('evaluates a checkpoint on request (POST /evaluations) in the evaluate queue, matching the final evaluation', async () => {
    // The run with the best AP50: it has detections above the score threshold to compare.
    const [run] = await queryDb<{ id: string; ap: number; ap50: number }>(
      stack.env.databaseUrl,
      `SELECT r.id, ${bboxStat('AP')} AS ap, ${bboxStat('AP50')} AS ap50 FROM runs r JOIN evaluations e ON e.id = r.final_evaluation_id WHERE r.sweep_id = $1 ORDER BY ap50 DESC LIMIT 1`,
      [sweepId],
    );
    // The validation split under a differently written URI: a new evaluation of the same images,
    // with the same last checkpoint, so it must reproduce the final evaluation's numbers.
    const dataset = 'synthetic:shapes?split=val&seed=0&size=64&images=8';
    expect(dataset).not.toBe(LEARNING_SWEEP_VAL);
    const posted = await stack.request<{ id: string; status: string }>('POST', '/evaluations', { runId: run!.id, dataset });
    expect(posted.status).toBe(202);
    const done = await eventually('the evaluation to complete', async () => {
      const e = await stack.request<{ status: string; step: number; AP: number; AP50: number; error: string | null }>('GET', `/evaluations/${posted.body.id}`);
      if (e.body.status === 'failed') throw new Error(`evaluation failed: ${e.body.error}`);
      return e.body.status === 'completed' ? e.body : undefined;
    });
    expect(done.step).toBe(STEPS);
    expect(done.AP).toBeCloseTo(run!.ap, 6);
    expect(done.AP50).toBeCloseTo(run!.ap50, 6);
    // And the same detections, box for box: a checkpoint loaded wrongly, or the untrained
    // weights, would give other boxes (or none: an untrained net scores under the 0.05 threshold).
    const rows = await queryDb<{ detections: { image_id: number; score: number }[] }>(
      stack.env.databaseUrl,
      'SELECT e.detections FROM evaluations e WHERE e.id IN ($1, (SELECT final_evaluation_id FROM runs WHERE id = $2))',
      [posted.body.id, run!.id],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]!.detections.length).toBeGreaterThan(0);
    expect(rows[0]!.detections).toEqual(rows[1]!.detections);
  });

  it('cancels a sweep: queued runs never start, running ones stop at their next step', async () => {
    const res = await stack.request<{ id: string }>('POST', '/sweeps', tinySweepSpec({ name: 'e2e cancel', grid: { gamma: [0, 1, 2, 5] }, steps: 2000 }));
    expect(res.status).toBe(201);
    const id = res.body.id;
    type Row = { id: string; status: string; step: number };
    const rows = () => queryDb<Row>(stack.env.databaseUrl, 'SELECT id, status, step FROM runs WHERE sweep_id = $1 ORDER BY index', [id]);
    // Two workers, one run each: two running, two queued.
    const started = await eventually('two runs past step 2', async () => {
      const r = await rows();
      return r.filter((x) => x.status === 'running' && x.step > 2).length === 2 ? r : undefined;
    });
    const cancel = await stack.request<{ cancelledRuns: number; stoppingRuns: number }>('POST', `/sweeps/${id}/cancel`);
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ cancelledRuns: 2, stoppingRuns: 2 });

    await eventually('the sweep to be cancelled', async () => {
      const s = await stack.request<{ status: string }>('GET', `/sweeps/${id}`);
      return s.body.status === 'cancelled' ? s : undefined;
    });
    const after = await rows();
    expect(after.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    const ran = started.filter((r) => r.status === 'running').map((r) => r.id);
    for (const r of after) {
      // The two that ran stopped long before their 2000 steps; the two queued never trained.
      if (ran.includes(r.id)) expect(r.step).toBeLessThan(2000);
      else expect(r.step).toBe(0);
    }
    const attempts = await queryDb<{ run_id: string; status: string }>(
      stack.env.databaseUrl,
      'SELECT a.run_id, a.status FROM run_attempts a JOIN runs r ON r.id = a.run_id WHERE r.sweep_id = $1',
      [id],
    );
    expect(attempts.map((a) => [a.run_id, a.status]).sort()).toEqual(ran.map((r) => [r, 'cancelled']).sort());
  });

  it('refuses at submit a config that does not fit its dataset, naming the field', async () => {
    const spec = tinySweepSpec({ name: 'e2e bad config', grid: { gamma: [2] }, steps: 12 }) as { base: { model: Record<string, unknown> } };
    spec.base.model.numClasses = 3; // the synthetic shapes have 7 categories
    const res = await stack.request<{ issues: { path: string; message: string }[] }>('POST', '/sweeps', spec);
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ path: 'model.numClasses', message: expect.stringMatching(/is 3, but dataset.train .* has 7 categories/) });
  });

  it('fails a run whose dataset breaks at load once, with the message, and marks the sweep failed', async () => {
    // The submit check sees the files exist; only loading finds the image unreadable.
    const spec = tinySweepSpec({ name: 'e2e broken image', grid: { gamma: [2] }, steps: 12 }) as { dataset: Record<string, string> };
    spec.dataset.train = `coco:${BROKEN_COCO}`;
    const res = await stack.request<{ id: string }>('POST', '/sweeps', spec);
    expect(res.status).toBe(201);
    await eventually('the sweep to fail', async () => {
      const s = await stack.request<{ status: string }>('GET', `/sweeps/${res.body.id}`);
      return s.body.status === 'failed' ? s : undefined;
    });
    const [run] = await queryDb<{ id: string; status: string; attempts: number; error: string }>(
      stack.env.databaseUrl,
      'SELECT id, status, attempts, error FROM runs WHERE sweep_id = $1',
      [res.body.id],
    );
    expect(run).toMatchObject({ status: 'failed', attempts: 1 });
    expect(run!.error).toMatch(/broken\/broken\.png/);
    // Not retried: BullMQ failed the job on its first attempt although it allows 3.
    const queue = new Queue('train', { connection: { url: stack.env.redisUrl }, prefix: stack.env.prefix });
    try {
      const job = await queue.getJob(run!.id);
      expect([await job!.getState(), job!.attemptsMade, job!.opts.attempts]).toEqual(['failed', 1, 3]);
    } finally {
      await queue.close();
    }
  });
});
