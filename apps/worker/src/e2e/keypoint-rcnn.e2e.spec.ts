import { queryDb } from '../testing/e2e-env';
import { eventually, startStack, submitSweepAndWait, type Stack } from '../testing/stack';
import { TINY_KEYPOINT_RCNN_TRAIN, tinyKeypointRcnnSweepSpec } from '../testing/tiny-keypoint-rcnn';

/** pycocotools' 10 keypoint stats (`COCOeval(iouType='keypoints').summarize()`), as the evaluator names them. */
const KEYPOINT_STATS = ['AP', 'AP50', 'AP75', 'APm', 'APl', 'AR', 'AR50', 'AR75', 'ARm', 'ARl'];
/** Enough for non-zero box and keypoint AP50 on the images it trains on (tiny-keypoint-rcnn.ts), so the assertions below can fail. */
const STEPS = 60;

type StatRow = { iou_type: string; metric: string; value: number };

/**
 * Keypoint R-CNN (issue 20) end to end: a one-run sweep over HTTP, trained by a real worker process
 * through BullMQ on synthetic people, its final evaluation stored in PostgreSQL with the keypoint
 * stats (COCO iouType keypoints) beside the box ones and every stored detection carrying its 17
 * keypoints; the ablation table serves `keypoints.AP`; an `evaluate` job of its checkpoint scores keypoints
 * too. A 60-step tiny net evaluated on its own 4 images.
 */
describe('Keypoint R-CNN end to end: REST → BullMQ → worker → bbox and keypoints stats in PostgreSQL', () => {
  let stack: Stack;
  let sweepId: string;
  let runId: string;
  let evaluationId: string;
  let stats: StatRow[];

  beforeAll(async () => {
    stack = await startStack('keypointrcnn', { workers: 1 });
    sweepId = await submitSweepAndWait(stack, tinyKeypointRcnnSweepSpec({ name: 'e2e keypoint-rcnn', grid: { 'keypoints.resolution': [16] }, steps: STEPS }), 240_000);
    const [run] = await queryDb<{ id: string; final_evaluation_id: string }>(stack.env.databaseUrl, 'SELECT id, final_evaluation_id FROM runs WHERE sweep_id = $1', [sweepId]);
    runId = run!.id;
    evaluationId = run!.final_evaluation_id;
    stats = await queryDb<StatRow>(stack.env.databaseUrl, 'SELECT iou_type, metric, value FROM evaluation_stats WHERE evaluation_id = $1', [evaluationId]);
  }, 300_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it('trains the run and stores its final evaluation with the 10 keypoint stats beside the 12 bbox ones', async () => {
    const runs = await queryDb<{ status: string; step: number; arch: string; error: string | null }>(
      stack.env.databaseUrl,
      `SELECT status, step, config->'model'->>'arch' AS arch, error FROM runs WHERE id = $1`,
      [runId],
    );
    expect(runs).toEqual([{ status: 'completed', step: STEPS, arch: 'keypoint-rcnn', error: null }]);
    const of = (type: string) => Object.fromEntries(stats.filter((s) => s.iou_type === type).map((s) => [s.metric, s.value]));
    expect(Object.keys(of('bbox'))).toHaveLength(12);
    expect(Object.keys(of('keypoints')).sort()).toEqual([...KEYPOINT_STATS].sort());
    for (const s of stats) {
      expect(Number.isFinite(s.value)).toBe(true);
      expect(s.value).toBeGreaterThanOrEqual(-1);
      expect(s.value).toBeLessThanOrEqual(1);
    }
    // Trained 60 steps on these images (tiny-keypoint-rcnn.ts): box AP50 ≈ 0.4, keypoint AP50 ≈ 0.06 and
    // AR50 ≈ 0.3; a path that scored no detections, or no keypoints, fails here.
    expect(of('bbox')['AP50']).toBeGreaterThan(0.1);
    expect(of('keypoints')['AP50']).toBeGreaterThan(0);
    expect(of('keypoints')['AR50']).toBeGreaterThan(0.1);
    // Keypoints are harder than boxes for this net: the keypoint stats are not a copy of the box ones.
    expect(of('keypoints')['AP50']).toBeLessThan(of('bbox')['AP50']!);

    // Each stored detection carries its 17 keypoints, [x, y, 1] in the 64 px image's pixels.
    const [row] = await queryDb<{ detections: { keypoints?: number[] }[] }>(stack.env.databaseUrl, 'SELECT detections FROM evaluations WHERE id = $1', [evaluationId]);
    expect(row!.detections.length).toBeGreaterThan(0);
    for (const d of row!.detections) {
      expect(d.keypoints).toHaveLength(17 * 3);
      expect(d.keypoints!.filter((_, i) => i % 3 === 2).every((v) => v === 1)).toBe(true);
      expect(d.keypoints!.filter((_, i) => i % 3 !== 2).every((v) => v >= -1 && v <= 65)).toBe(true);
    }
  });

  it('serves keypoints.AP in the ablation table and GET /runs/:id, equal to the stored keypoint AP', async () => {
    const keypointAp = stats.find((s) => s.iou_type === 'keypoints' && s.metric === 'AP')!.value;
    type Table = { metric: string | null; entries: { cells: Record<string, { mean: number | null; n: number }> }[] };
    const pivot = await stack.request<Table>('GET', `/sweeps/${sweepId}/ablation?rows=keypoints.resolution&cols=roi.pooler&metric=keypoints.AP&format=json`);
    expect(pivot.status).toBe(200);
    expect(pivot.body.metric).toBe('keypoints.AP');
    expect(pivot.body.entries).toHaveLength(1);
    expect(pivot.body.entries[0]!.cells['"align"']).toMatchObject({ mean: keypointAp, n: 1 });
    const run = await stack.request<{ finalEvaluation: { keypoints?: Record<string, number> } }>('GET', `/runs/${runId}`);
    expect(run.body.finalEvaluation.keypoints?.['AP']).toBe(keypointAp);
  });

  it('scores keypoints in an evaluate job of the checkpoint (POST /evaluations), reproducing the final evaluation', async () => {
    // The training images under a differently written URI: a new evaluation row of the same images and weights.
    const dataset = 'synthetic:people?seed=1&size=64&images=4';
    expect(dataset).not.toBe(TINY_KEYPOINT_RCNN_TRAIN);
    const posted = await stack.request<{ id: string }>('POST', '/evaluations', { runId, dataset });
    expect(posted.status).toBe(202);
    await eventually('the evaluation to complete', async () => {
      const e = await stack.request<{ status: string; error: string | null }>('GET', `/evaluations/${posted.body.id}`);
      if (e.body.status === 'failed') throw new Error(`evaluation failed: ${e.body.error}`);
      return e.body.status === 'completed' ? e.body : undefined;
    }, 120_000);
    const stored = await queryDb<StatRow>(stack.env.databaseUrl, 'SELECT iou_type, metric, value FROM evaluation_stats WHERE evaluation_id = $1', [posted.body.id]);
    const byKey = (rows: StatRow[]) => Object.fromEntries(rows.map((r) => [`${r.iou_type}.${r.metric}`, r.value]));
    const again = byKey(stored);
    expect(Object.keys(again).filter((k) => k.startsWith('keypoints.'))).toHaveLength(KEYPOINT_STATS.length);
    // Same weights, same images: the same box and keypoint stats as the final evaluation.
    for (const [key, value] of Object.entries(byKey(stats))) expect(again[key]).toBeCloseTo(value, 6);
  }, 150_000);
});
