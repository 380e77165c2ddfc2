import { Queue } from 'bullmq';
import { queryDb } from '../testing/e2e-env';
import { eventually, startStack, submitSweepAndWait, type Stack } from '../testing/stack';
import { TINY_MASK_RCNN_TRAIN, tinyMaskRcnnSweepSpec } from '../testing/tiny-mask-rcnn';

/** The 12 COCO stats as the API names them (bbox flat, segm nested). */
const STAT_NAMES = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'];
/** Enough for non-zero box and mask AP on the images it trains on (tiny-mask-rcnn.ts), so the assertions below can fail. */
const STEPS = 100;

type StatsRow = { id: string; status: string; step: number; bbox: number[]; segm: (number | null)[]; segm_per_class: unknown[] | null };

/** An evaluation's 12 stats of an iou type (rows of evaluation_stats), in STAT_NAMES order, as SQL. */
const statsArray = (iouType: string): string =>
  `ARRAY[${STAT_NAMES.map((n) => `(SELECT s.value FROM evaluation_stats s WHERE s.evaluation_id = e.id AND s.iou_type = '${iouType}' AND s.metric = '${n}')`).join(', ')}]`;

/** An evaluation row's 12 bbox and 12 segm stats, in STAT_NAMES order. */
const statsSql = (where: string): string =>
  `SELECT e.id, e.status, e.step, ${statsArray('bbox')} AS bbox, ${statsArray('segm')} AS segm, e.per_class->'segm' AS segm_per_class
     FROM evaluations e WHERE ${where}`;

/** 12 COCO stats: finite, in [0, 1], or −1 where pycocotools finds no ground truth in an area range. */
function expectCocoStats(stats: (number | null)[]): void {
  expect(stats).toHaveLength(12);
  for (const s of stats) {
    expect(typeof s).toBe('number');
    expect(Number.isFinite(s)).toBe(true);
    expect(s).toBeGreaterThanOrEqual(-1);
    expect(s).toBeLessThanOrEqual(1);
  }
}

/**
 * Mask R-CNN (issue 7) end to end: a one-run sweep submitted over HTTP, trained by a real worker
 * process through BullMQ, its final evaluation stored in PostgreSQL with the mask AP (COCO iouType
 * segm) beside the box AP, served by the ablation table as `segm.AP`; then an `evaluate` job of its
 * checkpoint, queued by POST /evaluations, scores segm too. A 100-step tiny net evaluated on its
 * training images: box and mask AP above zero, so each number checked below is one a wrong path changes.
 */
describe('Mask R-CNN end to end: REST → BullMQ → worker → segm stats in PostgreSQL → ablation table and evaluate job', () => {
  let stack: Stack;
  let sweepId: string;
  let runId: string;
  let final: StatsRow;

  beforeAll(async () => {
    stack = await startStack('maskrcnn', { workers: 1 });
    sweepId = await submitSweepAndWait(stack, tinyMaskRcnnSweepSpec({ name: 'e2e mask-rcnn', grid: { 'mask.loss': ['sigmoid'] }, steps: STEPS }), 240_000);
    const [run] = await queryDb<{ id: string }>(stack.env.databaseUrl, 'SELECT id FROM runs WHERE sweep_id = $1', [sweepId]);
    runId = run!.id;
    [final] = await queryDb<StatsRow>(stack.env.databaseUrl, statsSql('e.id = (SELECT final_evaluation_id FROM runs WHERE id = $1)'), [runId]);
  }, 300_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it('trains the run in the train queue and stores its final evaluation with 12 segm stats beside the 12 bbox ones', async () => {
    const runs = await queryDb<{ status: string; step: number; attempts: number; arch: string; error: string | null }>(
      stack.env.databaseUrl,
      `SELECT status, step, attempts, config->'model'->>'arch' AS arch, error FROM runs WHERE sweep_id = $1`,
      [sweepId],
    );
    expect(runs).toEqual([{ status: 'completed', step: STEPS, attempts: 1, arch: 'mask-rcnn', error: null }]);
    const queue = new Queue('train', { connection: { url: stack.env.redisUrl }, prefix: stack.env.prefix });
    try {
      const job = await queue.getJob(runId);
      expect([await job!.getState(), job!.attemptsStarted]).toEqual(['completed', 1]);
    } finally {
      await queue.close();
    }

    expect(final).toMatchObject({ status: 'completed', step: STEPS });
    expectCocoStats(final.bbox);
    expectCocoStats(final.segm);
    // Trained 100 steps on these images (tiny-mask-rcnn.ts): box AP ≈ 0.2 and mask AP50 ≈ 0.05,
    // so a final evaluation that scored no detections, or no masks, fails here.
    expect(final.bbox[0]).toBeGreaterThan(0.05);
    expect(final.bbox[1]).toBeGreaterThan(final.bbox[0]!);
    expect(final.segm[1]).toBeGreaterThan(0);
    // Masks are harder than boxes for this net: segm is not a copy of bbox.
    expect(final.segm[1]).toBeLessThan(final.bbox[1]!);
    expect(final.segm_per_class).toHaveLength(7);
    // Each stored detection carries its mask as a COCO RLE.
    const [row] = await queryDb<{ detections: { segmentation?: unknown }[] }>(stack.env.databaseUrl, 'SELECT detections FROM evaluations WHERE id = $1', [final.id]);
    const detections = row!.detections;
    expect(detections.length).toBeGreaterThan(0);
    for (const d of detections) expect(d.segmentation).toMatchObject({ size: [64, 64], counts: expect.any(String) });
  });

  it('shows the final evaluation\'s segm stats in GET /runs/:id', async () => {
    const res = await stack.request<{ finalEvaluation: Record<string, number> & { segm: Record<string, number> | null } }>('GET', `/runs/${runId}`);
    expect(res.status).toBe(200);
    const shown = res.body.finalEvaluation;
    expect(STAT_NAMES.map((k) => shown[k])).toEqual(final.bbox);
    expect(STAT_NAMES.map((k) => shown.segm?.[k])).toEqual(final.segm);
  });

  it('serves segm.AP in the ablation table, equal to the stored mask AP', async () => {
    type Table = { mode: string; metric: string | null; columns: string[]; entries: { key: Record<string, unknown>; cells: Record<string, { mean: number | null; n: number }> }[] };
    const pivot = await stack.request<Table>('GET', `/sweeps/${sweepId}/ablation?rows=mask.loss&cols=roi.pooler&metric=segm.AP&format=json`);
    expect(pivot.status).toBe(200);
    expect(pivot.body).toMatchObject({ mode: 'pivot', metric: 'segm.AP', columns: ['"align"'] });
    expect(pivot.body.entries).toHaveLength(1);
    expect(pivot.body.entries[0]!.key).toEqual({ 'mask.loss': 'sigmoid' });
    expect(pivot.body.entries[0]!.cells['"align"']).toMatchObject({ mean: final.segm[0], n: 1 });

    // List mode adds the mask AP columns beside the box ones once a run has them.
    const list = await stack.request<Table>('GET', `/sweeps/${sweepId}/ablation?format=json`);
    expect(list.status).toBe(200);
    expect(list.body.mode).toBe('list');
    expect(list.body.columns).toEqual(['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'segm.AP', 'segm.AP50', 'segm.AP75', 'segm.APs', 'segm.APm', 'segm.APl']);
    expect(list.body.entries[0]!.cells['segm.AP']).toMatchObject({ mean: final.segm[0], n: 1 });
    expect(list.body.entries[0]!.cells['AP']).toMatchObject({ mean: final.bbox[0], n: 1 });
  });

  it('scores segm in an evaluate job of the checkpoint (POST /evaluations), reproducing the final evaluation', async () => {
    // The validation split under a differently written URI: a new evaluation row (the same URI
    // would return the final one), of the same images with the same final weights.
    const dataset = 'synthetic:shapes?seed=1&size=64&images=4';
    expect(dataset).not.toBe(TINY_MASK_RCNN_TRAIN);
    const posted = await stack.request<{ id: string; status: string }>('POST', '/evaluations', { runId, dataset });
    expect(posted.status).toBe(202);
    const done = await eventually('the evaluation to complete', async () => {
      const e = await stack.request<Record<string, unknown> & { status: string; step: number; error: string | null; segm: Record<string, number> | null }>('GET', `/evaluations/${posted.body.id}`);
      if (e.body.status === 'failed') throw new Error(`evaluation failed: ${e.body.error}`);
      return e.body.status === 'completed' ? e.body : undefined;
    }, 120_000);
    expect(done.step).toBe(STEPS);
    expect(done.segm).not.toBeNull();

    const [stored] = await queryDb<StatsRow>(stack.env.databaseUrl, statsSql('e.id = $1'), [posted.body.id]);
    expect(stored).toMatchObject({ status: 'completed', step: STEPS });
    expectCocoStats(stored!.bbox);
    expectCocoStats(stored!.segm);
    expect(stored!.segm_per_class).toHaveLength(7);
    expect(STAT_NAMES.map((k) => done.segm![k])).toEqual(stored!.segm);
    // Same weights, same images: the same box and mask AP as the final evaluation.
    stored!.bbox.forEach((s, i) => expect(s).toBeCloseTo(final.bbox[i]!, 6));
    stored!.segm.forEach((s, i) => expect(s).toBeCloseTo(final.segm[i]!, 6));
    // And the same detections, box for box and mask for mask (the RLEs the segm scores come from).
    const rows = await queryDb<{ id: string; detections: { image_id: number; score: number; segmentation?: unknown }[] }>(
      stack.env.databaseUrl,
      'SELECT id, detections FROM evaluations WHERE id = ANY($1::uuid[])',
      [[posted.body.id, final.id]],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]!.detections.length).toBeGreaterThan(0);
    expect(rows[0]!.detections).toEqual(rows[1]!.detections);

    // It went through the evaluate queue: one job, keyed by the evaluation, completed first time.
    const queue = new Queue('evaluate', { connection: { url: stack.env.redisUrl }, prefix: stack.env.prefix });
    try {
      const job = await queue.getJob(posted.body.id);
      expect([await job!.getState(), job!.attemptsStarted, job!.returnvalue]).toEqual(['completed', 1, { evaluationId: posted.body.id, step: STEPS, ap: stored!.bbox[0] }]);
    } finally {
      await queue.close();
    }
  }, 150_000);
});
