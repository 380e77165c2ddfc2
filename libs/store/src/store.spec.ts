import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COCO_KEYPOINT_STAT_KEYS } from '@ablate/detection';
import { planSweep } from '@ablate/jobs';
import { DirectoryArtifactStore } from './artifacts/directory-artifact-store';
import { EVALUATION_STAT_NAMES, evaluationView, type EvaluationStats } from './entities';
import { ConflictError, NotFoundError } from './errors';
import { MIGRATIONS } from './migrations';
import { openStore, type Store } from './store';
import { createTemporaryDatabase, type TemporaryDatabase } from './testing/temporary-database';

const dataset = { train: 'synthetic:shapes?n=8', val: 'synthetic:shapes?n=4&seed=1' };
const worker = { host: 'node-a', pid: 1234, backend: 'wasm', device: 'cpu' };

function stats(AP: number): EvaluationStats {
  const s = Object.fromEntries(EVALUATION_STAT_NAMES.map((k) => [k, 0.5])) as EvaluationStats;
  return { ...s, AP, APs: -1 };
}

let db: TemporaryDatabase;
let store: Store;

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_store');
  store = await openStore({ url: db.url, poolSize: 4 });
});

afterAll(async () => {
  await store?.close();
  await db?.drop();
});

function focalSweep(name: string) {
  // 2 γ × 2 α × 2 seeds = 8 runs.
  return planSweep({ name, dataset, base: { train: { steps: 10 } }, grid: { gamma: [0, 2], alpha: [0.25, 0.75] }, seeds: 2, priority: 5 });
}

describe('store (real PostgreSQL)', () => {
  it('ran the migrations and is idempotent on re-open', async () => {
    const again = await openStore({ url: db.url, poolSize: 1 });
    const rows: { name: string }[] = await again.dataSource.query('SELECT name FROM migrations');
    // Each migration ran once, in order, and a re-open ran none again.
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => new m().name));
    expect(rows.slice(0, 2).map((r) => r.name)).toEqual(['InitialSchema1732450000000', 'SegmStats1764000000000']);
    await again.close();
  });

  it('writes a sweep and its runs in one transaction; an idempotency key returns the first sweep', async () => {
    const { spec, runs } = focalSweep('idem');
    const first = await store.sweeps.createWithRuns({ spec, runs, idempotencyKey: 'key-1' });
    expect(first.created).toBe(true);
    expect(first.runs).toHaveLength(8);
    const second = await store.sweeps.createWithRuns({ spec, runs, idempotencyKey: 'key-1' });
    expect(second.created).toBe(false);
    expect(second.sweep.id).toBe(first.sweep.id);
    expect(second.runs.map((r) => r.id)).toEqual(first.runs.map((r) => r.id));
    const count: { n: number }[] = await store.dataSource.query('SELECT count(*)::int AS n FROM runs WHERE sweep_id = $1', [first.sweep.id]);
    expect(count[0].n).toBe(8);
    const stored = await store.sweeps.runsOf(first.sweep.id);
    expect(stored[3].params).toEqual({ 'loss.gamma': 0, 'loss.alpha': 0.75 });
    expect(stored[3].config.loss.alpha).toBe(0.75);
    expect(stored[3].priority).toBe(5);
    expect(stored[3].totalSteps).toBe(10);
  });

  it('rolls back every run when one insert fails', async () => {
    const { spec, runs } = focalSweep('atomic');
    const broken = runs.map((r, i) => (i === 5 ? { ...r, key: runs[0].key } : r)); // violates UNIQUE (sweep_id, key)
    await expect(store.sweeps.createWithRuns({ spec, runs: broken })).rejects.toThrow();
    const rows: unknown[] = await store.dataSource.query(`SELECT 1 FROM sweeps WHERE name = 'atomic'`);
    expect(rows).toHaveLength(0);
  });

  it('tracks a run through attempts, metrics, checkpoints and the sweep rollup', async () => {
    const { sweep, runs } = await store.sweeps.createWithRuns(focalSweep('life'));
    const run = runs[0];
    expect((await store.runs.markRunStarted(run.id, { attempt: 1, ...worker }))?.status).toBe('running');
    expect((await store.sweeps.get(sweep.id)).status).toBe('running');

    await store.metrics.recordMetrics(run.id, 1, { loss: 2.5, lr: 0.01 });
    await store.metrics.recordMetrics(run.id, 2, { loss: 2.0, imagesPerSecond: 12 });
    await store.checkpoints.saveCheckpoint(run.id, 2, new Uint8Array([1, 2, 3]));
    // The worker dies; the retry replays step 2 (same row, new values) and goes on.
    await store.runs.failAttempt(run.id, 1, { error: 'worker lost' });
    expect((await store.runs.get(run.id)).status).toBe('queued');
    const resume = await store.checkpoints.latestCheckpoint(run.id);
    await store.runs.markRunStarted(run.id, { attempt: 2, ...worker, host: 'node-b', startStep: resume?.step });
    expect(resume?.step).toBe(2);
    expect([...resume!.bytes]).toEqual([1, 2, 3]);
    // Closing the lost attempt 1 late must not requeue the run attempt 2 is training.
    await store.runs.failAttempt(run.id, 1, { error: 'lost' });
    expect((await store.runs.get(run.id)).status).toBe('running');
    await store.metrics.recordMetrics(run.id, 2, { loss: 1.9 });
    await store.metrics.recordMetrics(run.id, 3, { loss: 1.5 });
    for (const step of [4, 6, 8]) await store.checkpoints.saveCheckpoint(run.id, step, new Uint8Array([step]));
    expect(await store.checkpoints.checkpointSteps(run.id)).toEqual([6, 8]); // keeps the newest 2
    // A run's train.keepCheckpoints overrides the default, both ways.
    await store.checkpoints.saveCheckpoint(run.id, 10, new Uint8Array([10]), 4);
    await store.checkpoints.saveCheckpoint(run.id, 12, new Uint8Array([12]), 4);
    expect(await store.checkpoints.checkpointSteps(run.id)).toEqual([6, 8, 10, 12]);
    await store.checkpoints.saveCheckpoint(run.id, 14, new Uint8Array([14]), 1);
    expect(await store.checkpoints.checkpointSteps(run.id)).toEqual([14]);

    const metrics = await store.metrics.metricsOf(run.id);
    expect(metrics).toEqual([
      { step: 1, values: { loss: 2.5, lr: 0.01 } },
      { step: 2, values: { loss: 1.9 } },
      { step: 3, values: { loss: 1.5 } },
    ]);
    const finished = await store.runs.finishRun(run.id, 'completed', { step: 10 });
    expect(finished.status).toBe('completed');
    expect(finished.step).toBe(10);
    expect(finished.workerHost).toBe('node-b');
    expect(finished.attempts).toBe(2);
    const attempts = await store.runs.attemptsOf(run.id);
    expect(attempts.map((a) => [a.attempt, a.status, a.workerHost, a.startStep, a.endStep])).toEqual([
      [1, 'failed', 'node-a', 0, 2],
      [2, 'completed', 'node-b', 2, 10],
    ]);
    // A run that already ended is not started again (e.g. a duplicate delivery).
    expect(await store.runs.markRunStarted(run.id, { attempt: 3, ...worker })).toBeNull();

    // The sweep is done when every run has ended, whatever each run's fate; its status says that some failed.
    for (const [i, r] of runs.slice(1).entries()) {
      await store.runs.markRunStarted(r.id, { attempt: 1, ...worker });
      await store.runs.finishRun(r.id, i % 3 === 0 ? 'diverged' : i % 3 === 1 ? 'failed' : 'completed', { error: i % 3 ? 'x' : null });
      const expected = i === runs.length - 2 ? 'completed_with_failures' : 'running';
      expect((await store.sweeps.get(sweep.id)).status).toBe(expected);
    }
    expect((await store.sweeps.statusCounts([sweep.id])).get(sweep.id)).toMatchObject({ completed: 3, diverged: 3, failed: 2 });
    const progress = await store.sweeps.progress(sweep.id);
    // Runs 1..7 by i = 0..6: diverged at i = 0, 3, 6; failed at 1, 4; completed at 2, 5 (+ run 0).
    expect(progress.byStatus).toMatchObject({ completed: 3, diverged: 3, failed: 2, queued: 0, running: 0 });
    expect(progress.fraction).toBe(1);
    expect(progress.etaSeconds).toBe(0);
    expect((await store.sweeps.get(sweep.id)).finishedAt).toBeInstanceOf(Date);
  });

  it('cancels: queued runs at once, running runs flagged for the worker', async () => {
    const { sweep, runs } = await store.sweeps.createWithRuns(focalSweep('cancel'));
    await store.runs.markRunStarted(runs[0].id, { attempt: 1, ...worker });
    const outcome = await store.sweeps.requestCancel(sweep.id);
    expect(outcome.stoppingRunIds).toEqual([runs[0].id]);
    expect(outcome.cancelledRunIds.sort()).toEqual(runs.slice(1).map((r) => r.id).sort());
    expect(outcome.sweep.status).toBe('cancelling');
    expect(await store.runs.isCancelRequested(runs[0].id)).toBe(true);
    expect(await store.runs.markRunStarted(runs[1].id, { attempt: 1, ...worker })).toBeNull();
    await store.runs.finishRun(runs[0].id, 'cancelled', { step: 3 });
    expect((await store.sweeps.get(sweep.id)).status).toBe('cancelled');
  });

  it('refuses to cancel an ended sweep or run, and changes nothing (a completed sweep once became "cancelled")', async () => {
    const { sweep, runs } = await store.sweeps.createWithRuns(focalSweep('ended'));
    for (const run of runs) {
      await store.runs.markRunStarted(run.id, { attempt: 1, ...worker });
      await store.runs.finishRun(run.id, 'completed', { step: 10 });
    }
    expect((await store.sweeps.get(sweep.id)).status).toBe('completed');
    await expect(store.sweeps.requestCancel(sweep.id)).rejects.toThrow(new ConflictError(`sweep ${sweep.id} has already ended (completed): nothing to cancel`));
    await expect(store.runs.requestCancel(runs[0].id)).rejects.toThrow(/has already ended \(completed\)/);
    const after = await store.sweeps.get(sweep.id);
    expect([after.status, after.cancelRequestedAt]).toEqual(['completed', null]);
    expect((await store.runs.get(runs[0].id)).status).toBe('completed');
  });

  it('stores evaluations, detections, and builds the ablation table from final evaluations', async () => {
    const { sweep, runs } = await store.sweeps.createWithRuns(focalSweep('ablate'));
    // AP per run in expansion order (γ, α, seed): worked-out means below.
    const aps = [0.30, 0.34, 0.20, 0.22, 0.36, 0.36, 0.31, 0.35];
    for (const [i, r] of runs.entries()) {
      await store.runs.markRunStarted(r.id, { attempt: 1, ...worker });
      await store.evaluations.saveEvaluation(r.id, {
        dataset: dataset.val, step: 10, stats: { bbox: stats(aps[i]) },
        perClass: { bbox: [{ categoryId: 1, ap: aps[i] }] },
        detections: [{ image_id: 1, category_id: 1, bbox: [1, 2, 3, 4], score: 0.9 }],
      });
      // Replaying the final evaluation overwrites it.
      await store.evaluations.saveEvaluation(r.id, { dataset: dataset.val, step: 10, stats: { bbox: stats(aps[i]) } });
      await store.runs.finishRun(r.id, i === 7 ? 'failed' : 'completed', { step: 10 });
    }
    const evals: { n: number }[] = await store.dataSource.query('SELECT count(*)::int AS n FROM evaluations e JOIN runs r ON r.id = e.run_id WHERE r.sweep_id = $1', [sweep.id]);
    expect(evals[0].n).toBe(8);
    expect(await store.evaluations.detectionsOf(runs[0].id)).toBeNull(); // the replay wrote none
    const final = await store.evaluations.finalOf(runs[0].id);
    expect(final?.stats['bbox']['AP']).toBeCloseTo(0.3, 12);
    expect(final?.stats['bbox']['APs']).toBe(-1);
    const rows: { n: number }[] = await store.dataSource.query('SELECT count(*)::int AS n FROM evaluation_stats WHERE evaluation_id = $1', [final!.id]);
    expect(rows[0].n).toBe(12); // the replay rewrote the 12 rows rather than adding 12 more

    const table = await store.ablation.forSweep(sweep.id, { cols: 'alpha', rows: ['gamma'] });
    // Run 7 failed, so γ=2, α=0.75 holds run 6 alone: 0.31, no std.
    // γ=0, α=0.25: (0.30 + 0.34) / 2 = 0.32 ± sqrt(0.0008).
    expect(table.entries[0].cells['0.25']).toMatchObject({ n: 2 });
    expect(table.entries[0].cells['0.25'].mean).toBeCloseTo(0.32, 12);
    expect(table.entries[0].cells['0.25'].std).toBeCloseTo(Math.sqrt(0.0008), 12);
    expect(table.entries[1].cells['0.75']).toEqual({ mean: 0.31, std: null, n: 1, failed: 1 });
    expect(table.entries.map((e) => e.failed)).toEqual([0, 1]);
    const list = await store.ablation.forSweep(sweep.id, {});
    expect(list.rows).toEqual(['loss.gamma', 'loss.alpha']);
    expect(list.entries).toHaveLength(4);
    const cross = await store.ablation.forDataset(dataset.train, { rows: ['gamma'], pool: ['alpha'] });
    expect(cross.samples).toBeGreaterThanOrEqual(7);
  });

  it('stores mask AP (segm) beside bbox AP; ablation tables offer segm.* metrics; a replay without masks clears them', async () => {
    const { sweep, runs } = await store.sweeps.createWithRuns(
      planSweep({ name: 'masks', dataset, base: { train: { steps: 10 } }, grid: { gamma: [0, 2] }, seeds: 2, priority: 5 }),
    );
    // Mask AP per run (γ, seed): γ=0 → 0.40, 0.44; γ=2 → 0.50, 0.50.
    const maskAps = [0.4, 0.44, 0.5, 0.5];
    for (const [i, r] of runs.entries()) {
      await store.runs.markRunStarted(r.id, { attempt: 1, ...worker });
      await store.evaluations.saveEvaluation(r.id, {
        dataset: dataset.val,
        step: 10,
        stats: { bbox: stats(0.6), segm: { ...stats(maskAps[i]), AP50: maskAps[i] + 0.2 } },
        perClass: { segm: [{ categoryId: 1, ap: maskAps[i] }] },
      });
      await store.runs.finishRun(r.id, 'completed', { step: 10 });
    }
    const final = await store.evaluations.finalOf(runs[1].id);
    expect(final?.stats['bbox']['AP']).toBeCloseTo(0.6, 12);
    expect(final?.stats['segm']['AP']).toBeCloseTo(0.44, 12);
    expect(final?.stats['segm']['AP50']).toBeCloseTo(0.64, 12);
    expect(final?.stats['segm']['APs']).toBe(-1);
    expect(final?.perClass).toEqual({ segm: [{ categoryId: 1, ap: 0.44 }] });
    const view = evaluationView(final!);
    expect(view).toMatchObject({ AP: 0.6, perClass: null, segm: { AP50: expect.closeTo(0.64, 12), APs: -1, perClass: [{ categoryId: 1, ap: 0.44 }] } });
    expect(Object.keys(view.segm!).slice(0, 3)).toEqual(['AP', 'AP50', 'AP75']);

    const pivot = await store.ablation.forSweep(sweep.id, { rows: ['gamma'], cols: 'seed', metric: 'segm.AP' });
    expect(pivot.metric).toBe('segm.AP');
    const list = await store.ablation.forSweep(sweep.id, { rows: ['gamma'] });
    expect(list.columns).toEqual(['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'segm.AP', 'segm.AP50', 'segm.AP75', 'segm.APs', 'segm.APm', 'segm.APl']);
    expect(list.entries[0].cells['segm.AP'].mean).toBeCloseTo(0.42, 12);
    expect(list.entries[1].cells['segm.AP']).toEqual({ mean: 0.5, std: 0, n: 2, failed: 0 });
    expect(list.entries[0].cells['segm.APs']).toEqual({ mean: null, std: null, n: 0, failed: 0 });
    expect(list.entries[0].cells['AP'].mean).toBeCloseTo(0.6, 12);
    await expect(store.ablation.forSweep(sweep.id, { metric: 'segm.XP' as never })).rejects.toThrow(/unknown metric segm\.XP/);

    // Replaying a run's evaluation without masks clears its segm columns (no stale mask AP).
    await store.evaluations.saveEvaluation(runs[0].id, { dataset: dataset.val, step: 10, stats: { bbox: stats(0.6) } });
    const cleared = await store.evaluations.finalOf(runs[0].id);
    expect(Object.keys(cleared!.stats)).toEqual(['bbox']);
    expect(evaluationView(cleared!).segm).toBeNull();
    // A bbox-only table has no segm columns.
    const bboxOnly = await store.ablation.forSweep((await store.sweeps.createWithRuns(focalSweep('no-masks'))).sweep.id, {});
    expect(bboxOnly.columns).toEqual(['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl']);
  });

  it('stores a new iou type with no code change: keypoints show in the view and are ablation metrics', async () => {
    const { sweep, runs } = await store.sweeps.createWithRuns(
      planSweep({ name: 'keypoints', dataset, base: { train: { steps: 10 } }, grid: { gamma: [0, 2] }, seeds: 1, priority: 5 }),
    );
    const keypointAps = [0.3, 0.5];
    // The 10 stats the keypoint evaluator records (pycocotools' _summarizeKps), AR50 0.7 and the others 0.4.
    const keypointStats = (ap: number) => ({ ...Object.fromEntries(COCO_KEYPOINT_STAT_KEYS.map((k) => [k, 0.4])), AP: ap, AR50: 0.7 });
    for (const [i, r] of runs.entries()) {
      await store.runs.markRunStarted(r.id, { attempt: 1, ...worker });
      await store.evaluations.saveEvaluation(r.id, {
        dataset: dataset.val,
        step: 10,
        stats: { bbox: stats(0.6), keypoints: keypointStats(keypointAps[i]) },
        perClass: { keypoints: [{ categoryId: 1, name: 'person', ap: keypointAps[i] }] },
      });
      await store.runs.finishRun(r.id, 'completed', { step: 10 });
    }
    const view = evaluationView((await store.evaluations.finalOf(runs[1].id))!);
    expect(view).toMatchObject({ AP: 0.6, segm: null, keypoints: { AP: 0.5, AP50: 0.4, APm: 0.4, AR: 0.4, AR50: 0.7, ARl: 0.4, perClass: [{ categoryId: 1, name: 'person', ap: 0.5 }] } });

    const pivot = await store.ablation.forSweep(sweep.id, { rows: ['gamma'], cols: 'seed', metric: 'keypoints.AP' });
    expect(pivot.entries.map((e) => e.cells['0'].mean)).toEqual([0.3, 0.5]);
    const list = await store.ablation.forSweep(sweep.id, {});
    // List mode: the AP columns of each iou type that has them (keypoints has no small range: no APs).
    expect(list.columns).toEqual(['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'keypoints.AP', 'keypoints.AP50', 'keypoints.AP75', 'keypoints.APm', 'keypoints.APl']);
    // A metric none of the sweep's evaluations has is refused, naming those they have.
    expect((await store.ablation.forSweep(sweep.id, { rows: ['gamma'], cols: 'seed', metric: 'keypoints.AR50' })).entries.map((e) => e.cells['0'].mean)).toEqual([0.7, 0.7]);
    await expect(store.ablation.forSweep(sweep.id, { metric: 'segm.AP' })).rejects.toThrow(/^metric: unknown metric segm\.AP; one of AP, .*keypoints\.AP, keypoints\.AP50, .*keypoints\.ARl$/);
  });

  it('cancels a lone run: at once when queued, flagged when running', async () => {
    const queued = await store.runs.createLone({ config: focalSweep('lone-cancel').runs[0].config });
    expect(await store.runs.requestCancel(queued.id)).toMatchObject({ cancelled: true, stopping: false, run: { status: 'cancelled' } });
    const running = await store.runs.createLone({ config: focalSweep('lone-cancel').runs[0].config });
    await store.runs.markRunStarted(running.id, { attempt: 1, ...worker });
    expect(await store.runs.requestCancel(running.id)).toMatchObject({ cancelled: false, stopping: true, run: { status: 'running' } });
    expect(await store.runs.isCancelRequested(running.id)).toBe(true);
  });

  it('keeps evaluations during training (not final) one row per step, a replayed step overwriting its row', async () => {
    const run = await store.runs.createLone({ config: focalSweep('eval-every').runs[0].config });
    const first = await store.evaluations.saveEvaluation(run.id, { dataset: dataset.val, step: 10, stats: { bbox: stats(0.1) } }, { final: false });
    // A resumed attempt re-reaches step 10 from an earlier checkpoint.
    const replay = await store.evaluations.saveEvaluation(run.id, { dataset: dataset.val, step: 10, stats: { bbox: stats(0.2) } }, { final: false });
    expect(replay.id).toBe(first.id);
    expect(await store.evaluations.finalOf(run.id)).toBeNull();
    const final = await store.evaluations.saveEvaluation(run.id, { dataset: dataset.val, step: 20, stats: { bbox: stats(0.3) } });
    const listed = await store.evaluations.listForRun(run.id);
    expect(listed.map((e) => [e.step, e.stats['bbox']['AP']])).toEqual([[10, 0.2], [20, 0.3]]);
    expect((await store.evaluations.finalOf(run.id))?.id).toBe(final.id);
  });

  it('requests evaluations idempotently', async () => {
    const run = await store.runs.createLone({ config: focalSweep('lone').runs[0].config });
    const a = await store.evaluations.requestEvaluation(run.id, 'coco:val', 5);
    const b = await store.evaluations.requestEvaluation(run.id, 'coco:val', 5);
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.evaluation.id).toBe(a.evaluation.id);
    await store.evaluations.failEvaluation(a.evaluation.id, 'boom');
    expect((await store.evaluations.requestEvaluation(run.id, 'coco:val', 5)).created).toBe(true);
    // A pending evaluation has no stats yet, and shows the 12 as null as when they were columns.
    expect(a.evaluation.stats).toEqual({});
    expect(evaluationView(a.evaluation)).toMatchObject({ status: 'queued', AP: null, ARl: null, segm: null });
    const done = await store.evaluations.completeEvaluation(a.evaluation.id, { stats: { bbox: stats(0.4) } });
    expect(done.status).toBe('completed');
    expect(done.stats['bbox']['AP']).toBeCloseTo(0.4, 12);
    expect((await store.runs.get(run.id)).finalEvaluationId).toBeNull();
    await expect(
      store.evaluations.saveEvaluation('00000000-0000-4000-8000-000000000000', { dataset: 'd', step: 1, stats: { bbox: stats(0.1) } }),
    ).rejects.toThrow(NotFoundError);
  });
});

describe('DirectoryArtifactStore', () => {
  it('writes, lists, finds the latest and prunes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ablate-artifacts-'));
    try {
      const a = new DirectoryArtifactStore(dir);
      await a.put({ runId: 'r1', kind: 'checkpoint', step: 10 }, new Uint8Array([10]));
      await a.put({ runId: 'r1', kind: 'checkpoint', step: 2 }, new Uint8Array([2]));
      await a.put({ runId: 'r1', kind: 'checkpoint', step: 30 }, new Uint8Array([30]));
      expect(await a.steps('r1', 'checkpoint')).toEqual([2, 10, 30]);
      expect(await a.latest('r1', 'checkpoint')).toEqual({ step: 30, bytes: new Uint8Array([30]) });
      expect(await a.prune('r1', 'checkpoint', 1)).toBe(2);
      expect(await a.steps('r1', 'checkpoint')).toEqual([30]);
      expect(await a.get({ runId: 'r1', kind: 'checkpoint', step: 2 })).toBeNull();
      expect(await a.latest('r2', 'checkpoint')).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
