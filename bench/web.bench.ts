/**
 * bench:web — how fast the web console renders what a researcher opens most: the sweeps list and a
 * sweep of 1,000 runs (its pivot and its runs table), in Debian's Chromium through playwright-core,
 * against the API in this process over a throw-away database. The baseline, measured in the same
 * run and browser, is the page the API served before the console for the same table: the static
 * HTML ablation page (`GET /sweeps/:id/ablation?format=html`).
 *
 *   npm run bench:web [-- --record]      (WEB_BENCH_REPEATS, default 5)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Browser, Page } from 'playwright-core';
import { createApiApp, type ApiApp } from '../apps/api/src/create-api-app';
import { launchChromium } from '../apps/worker/src/testing/browser';
import { createTemporaryDatabase, dropRedisPrefix, type TemporaryDatabase } from '@ablate/store/testing';
import { finishBench } from './record';

const KEY = 'bench-web-key';
const REPEATS = Number(process.env.WEB_BENCH_REPEATS ?? 5);
const REDIS = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const STATS = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'];

/** 10 γ × 10 α × 10 lr = 1,000 runs, as a researcher's large grid. */
function largeSweep(): Record<string, unknown> {
  const ten = (f: (i: number) => number) => Array.from({ length: 10 }, (_, i) => f(i));
  return {
    name: 'bench-web 1000 runs',
    dataset: { train: 'synthetic:shapes?images=32&size=64&split=train', val: 'synthetic:shapes?images=8&size=64&split=val' },
    base: { model: { backbone: 'resnet18', backboneWidth: 0.25, inputSize: 64, numClasses: 7, fpnChannels: 16, headConvs: 1 }, train: { steps: 100 } },
    grid: { gamma: ten((i) => i / 2), alpha: ten((i) => (i + 1) / 10), lr: ten((i) => 0.001 * (i + 1)) },
    seeds: 1,
  };
}

/** Marks every run of the sweep completed with a final evaluation whose stats are random, in SQL (no training). */
async function completeRuns(db: TemporaryDatabase, sweepId: string): Promise<void> {
  const ds = new DataSource({ type: 'postgres', url: db.url });
  await ds.initialize();
  try {
    const runs: { id: string }[] = await ds.query('SELECT id FROM runs WHERE sweep_id = $1', [sweepId]);
    for (const { id } of runs) {
      const evaluation = randomUUID();
      await ds.query(`INSERT INTO evaluations (id, run_id, dataset, step, status, created_at, finished_at) VALUES ($1, $2, 'val', 100, 'completed', now(), now())`, [evaluation, id]);
      const values = STATS.map((metric) => `('${evaluation}', 'bbox', '${metric}', ${Math.random().toFixed(4)})`).join(', ');
      await ds.query(`INSERT INTO evaluation_stats (evaluation_id, iou_type, metric, value) VALUES ${values}`);
      await ds.query(`UPDATE runs SET status = 'completed', step = total_steps, attempts = 1, final_evaluation_id = $2, started_at = now(), finished_at = now() WHERE id = $1`, [id, evaluation]);
    }
    await ds.query(`UPDATE sweeps SET status = 'completed', started_at = now(), finished_at = now() WHERE id = $1`, [sweepId]);
  } finally {
    await ds.destroy();
  }
}

/** Milliseconds from navigation to `ready()` resolving, median of REPEATS. */
async function timeToReady(page: Page, url: string, ready: () => Promise<unknown>): Promise<{ medianMs: number; all: number[] }> {
  const all: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    await page.goto('about:blank');
    const start = performance.now();
    await page.goto(url);
    await ready();
    all.push(performance.now() - start);
  }
  const sorted = [...all].sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)]!, all: all.map((ms) => Math.round(ms)) };
}

/** Median milliseconds of fetching `url` (the JSON a page needs, without a browser). */
async function timeFetch(url: string, headers: Record<string, string>): Promise<number> {
  const all: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    await (await fetch(url, { headers })).text();
    all.push(performance.now() - start);
  }
  return Math.round([...all].sort((a, b) => a - b)[Math.floor(all.length / 2)]!);
}

async function main(): Promise<void> {
  const db = await createTemporaryDatabase('ablate_bench_web');
  const prefix = `ablate-bench-web-${randomBytes(4).toString('hex')}`;
  let api: ApiApp | undefined;
  let browser: Browser | undefined;
  try {
    api = await createApiApp({ databaseUrl: db.url, redisUrl: REDIS, queuePrefix: prefix, apiKeys: [KEY], reconcileEveryMs: 0, logger: false });
    const url = await api.listen();
    const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const created = (await (await fetch(`${url}/sweeps`, { method: 'POST', headers: auth, body: JSON.stringify(largeSweep()) })).json()) as { id: string; runs: unknown[] };
    for (let i = 0; i < 20; i++) await fetch(`${url}/sweeps`, { method: 'POST', headers: auth, body: JSON.stringify({ ...largeSweep(), name: `bench-web small ${i}`, grid: { gamma: [0, 2] } }) });
    await completeRuns(db, created.id);

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.request.post(`${url}/session`, { data: { key: KEY } });

    const home = await timeToReady(page, `${url}/ui/`, () => page.locator('tr[data-sweep]').nth(20).waitFor());
    const sweep = await timeToReady(page, `${url}/ui/sweeps/${created.id}`, async () => {
      await page.locator('table[aria-label="Runs"] tbody tr').nth(999).waitFor();
      await page.locator('table[aria-label="Ablation pivot"] td.cell').first().waitFor();
    });
    const staticPage = await timeToReady(page, `${url}/sweeps/${created.id}/ablation?format=html&rows=loss.gamma,train.lr&cols=loss.alpha`, () => page.locator('table').first().waitFor());

    const apiSweep = await timeFetch(`${url}/sweeps/${created.id}`, auth);
    const apiPivot = await timeFetch(`${url}/sweeps/${created.id}/ablation?rows=loss.gamma,train.lr&cols=loss.alpha&metric=AP`, auth);
    const figures = { apiSweepMs: apiSweep, apiPivotMs: apiPivot, runs: created.runs.length, sweeps: 21, repeats: REPEATS, homeMs: home.all, sweepMs: sweep.all, staticAblationPageMs: staticPage.all };
    finishBench(
      'web',
      [
        {
          figure: 'console home page, 21 sweeps (navigation → every row drawn)',
          value: `${home.medianMs.toFixed(0)} ms`,
          baseline: `the API's static ablation page, same run: ${staticPage.medianMs.toFixed(0)} ms`,
          goal: '< 1000 ms',
          met: home.medianMs < 1000,
        },
        {
          figure: 'console sweep page, 1,000 runs (its 100 × 10 pivot and all 1,000 run rows)',
          value: `${sweep.medianMs.toFixed(0)} ms (${(sweep.medianMs / staticPage.medianMs).toFixed(1)}× the static page)`,
          baseline: `the API's static ablation page of the same sweep, same run: ${staticPage.medianMs.toFixed(0)} ms`,
          goal: '< 1000 ms',
          met: sweep.medianMs < 1000,
        },
      ],
      figures,
    );
  } finally {
    await browser?.close();
    await api?.close();
    await db.drop();
    await dropRedisPrefix(REDIS, prefix);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
