import { queryDb } from '../testing/e2e-env';
import { startStack, submitSweepAndWait, type Stack } from '../testing/stack';
import { tinyRcnnSweepSpec } from '../testing/tiny-rcnn';

/** Enough for box AP above zero on the images it trains on (tiny-rcnn.ts), so the assertions below can fail. */
const STEPS = 60;

type RunRow = { id: string; status: string; step: number; attempts: number; arch: string; source: string; error: string | null; ap: number | null; ap50: number | null };

/**
 * R-CNN (issue 20) end to end: a sweep over `proposals.source` submitted over HTTP, its two runs
 * trained by a real worker process through BullMQ, their final evaluations (COCO bbox) stored in
 * PostgreSQL and served by the ablation table pivoted on the proposal source.
 */
describe('R-CNN end to end: REST → BullMQ → worker → bbox stats in PostgreSQL → ablation table over proposals.source', () => {
  let stack: Stack;
  let sweepId: string;
  let runs: RunRow[];

  beforeAll(async () => {
    stack = await startStack('rcnn', { workers: 1 });
    sweepId = await submitSweepAndWait(stack, tinyRcnnSweepSpec({ name: 'e2e rcnn', grid: { 'proposals.source': ['sliding-window', 'segmentation'] }, steps: STEPS }), 240_000);
    runs = await queryDb<RunRow>(
      stack.env.databaseUrl,
      `SELECT r.id, r.status, r.step, r.attempts, r.config->'model'->>'arch' AS arch, r.config->'proposals'->>'source' AS source, r.error,
              (SELECT s.value FROM evaluation_stats s WHERE s.evaluation_id = r.final_evaluation_id AND s.iou_type = 'bbox' AND s.metric = 'AP') AS ap,
              (SELECT s.value FROM evaluation_stats s WHERE s.evaluation_id = r.final_evaluation_id AND s.iou_type = 'bbox' AND s.metric = 'AP50') AS ap50
         FROM runs r WHERE r.sweep_id = $1 ORDER BY source`,
      [sweepId],
    );
  }, 300_000);

  afterAll(async () => {
    await stack?.dispose();
  });

  it('trains one run per proposal source and stores its final box AP', () => {
    expect(runs.map(({ status, step, attempts, arch, source, error }) => ({ status, step, attempts, arch, source, error }))).toEqual([
      { status: 'completed', step: STEPS, attempts: 1, arch: 'rcnn', source: 'segmentation', error: null },
      { status: 'completed', step: STEPS, attempts: 1, arch: 'rcnn', source: 'sliding-window', error: null },
    ]);
    const [segmentation, windows] = runs;
    // Measured with `ablate train` (tiny-rcnn.ts): AP 0.23 with the segmentation's proposals, AP50 0.05 with the windows.
    expect(segmentation!.ap).toBeGreaterThan(0.1);
    expect(windows!.ap50).toBeGreaterThan(0);
    expect(windows!.ap).toBeLessThan(segmentation!.ap!);
  });

  it('pivots the ablation table on proposals.source, equal to the stored AP', async () => {
    type Table = { mode: string; metric: string | null; columns: string[]; entries: { key: Record<string, unknown>; cells: Record<string, { mean: number | null; n: number }> }[] };
    const pivot = await stack.request<Table>('GET', `/sweeps/${sweepId}/ablation?rows=proposals.source&cols=rcnn.warpSize&metric=AP&format=json`);
    expect(pivot.status).toBe(200);
    expect(pivot.body).toMatchObject({ mode: 'pivot', metric: 'AP', columns: ['32'] });
    const bySource = new Map(pivot.body.entries.map((e) => [e.key['proposals.source'], Object.values(e.cells)[0]]));
    for (const run of runs) expect(bySource.get(run.source)).toMatchObject({ mean: run.ap, n: 1 });
  });
});
