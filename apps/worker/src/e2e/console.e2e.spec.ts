import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SHAPE_CLASSES } from '@ablate/data';
import { launchChromium, refusedRequests } from '../testing/browser';
import { E2E_API_KEY, eventually, startStack, type Stack } from '../testing/stack';
import { learningSweepSpec } from '../testing/tiny-sweep';

/** Screenshots of each page, shown in README (docs/console/*.png). */
const SHOTS = path.join(__dirname, '..', '..', '..', '..', 'docs', 'console');
const STEPS = 60;

interface PivotCell {
  mean: number | null;
  n: number;
}

/**
 * The web console in a real Chromium against the real stack: sign-in, a sweep trained by a worker
 * followed on the home page, its pivot checked against the API's ablation table, a run's charts
 * checked against its stored metric rows and evaluations, a tag set on the sweep's page filtering
 * the home page, and no request the API refuses.
 */
describe('the web console in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let refused: string[];
  let sweepId: string;

  beforeAll(async () => {
    stack = await startStack('console', { workers: 1 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.dispose();
  });

  it('sends a browser to sign-in and refuses a wrong key', async () => {
    await page.goto(`${stack.apiUrl}/`);
    await page.waitForURL(/\/ui\/login/);
    await page.fill('input[name=key]', 'not-the-key');
    await page.click('button[type=submit]');
    await expectText(page, '[role=alert]', 'That key is not valid.');
    await page.screenshot({ path: path.join(SHOTS, 'login.png') });
  });

  it('signs in with the key, which then lives in an HttpOnly cookie only', async () => {
    refused = refusedRequests(page, stack.apiUrl);
    await page.fill('input[name=key]', E2E_API_KEY);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/ui\/$/);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'ablate_api_key')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(page.url()).not.toContain(E2E_API_KEY);
    expect(await page.evaluate('document.cookie')).not.toContain(E2E_API_KEY);
  });

  it('shows a submitted sweep on the home page as it progresses', async () => {
    const spec = learningSweepSpec({ name: 'console γ×α', grid: { gamma: [0, 2], alpha: [0.25, 0.75] }, steps: STEPS }) as { base: { train: Record<string, unknown> } };
    // An evaluation half-way as well as the final one: the AP curve has two steps.
    spec.base.train['evalEvery'] = STEPS / 2;
    const res = await stack.request<{ id: string }>('POST', '/sweeps', spec);
    expect(res.status).toBe(201);
    sweepId = res.body.id;
    const row = page.locator(`tr[data-sweep="${sweepId}"]`);
    await row.waitFor({ timeout: 15_000 });
    await eventually('the home page to show the sweep completed', async () => ((await row.locator('.tag').textContent()) === 'completed' ? true : undefined), 240_000, 1000);
    expect(await row.locator('.counts').textContent()).toContain('4 completed');
    await page.screenshot({ path: path.join(SHOTS, 'home.png'), fullPage: true });
  }, 300_000);

  it("draws the sweep's pivot with the API's numbers, as a table and a chart", async () => {
    await page.click(`tr[data-sweep="${sweepId}"] a`);
    await page.waitForURL(new RegExp(`/ui/sweeps/${sweepId}`));
    await page.selectOption('select[aria-label=Rows]', 'loss.gamma');
    await page.selectOption('select[aria-label=Columns]', 'loss.alpha');
    const api = await stack.request<{ entries: { key: Record<string, unknown>; cells: Record<string, PivotCell> }[] }>(
      'GET',
      `/sweeps/${sweepId}/ablation?rows=loss.gamma&cols=loss.alpha&metric=AP`,
    );
    const expected = api.body.entries.flatMap((e) => Object.values(e.cells).map((c) => ({ mean: c.mean === null ? '' : String(c.mean), n: String(c.n) })));
    const cells = page.locator('table[aria-label="Ablation pivot"] td.cell');
    await eventually('the pivot to show its cells', async () => ((await cells.count()) === expected.length ? true : undefined), 15_000);
    const shown = await cells.evaluateAll((tds) => tds.map((td) => ({ mean: td.getAttribute('data-mean') ?? '', n: td.getAttribute('data-n') ?? '' })));
    expect(shown).toEqual(expected);
    expect(await page.locator('table[aria-label="Ablation pivot"] td.best').count()).toBeGreaterThanOrEqual(1);
    // One dot per cell with a mean, in an SVG with axis titles.
    const chart = chartSvg(page, 'pivot chart');
    expect(await chart.locator('circle').count()).toBe(expected.filter((c) => c.mean !== '').length);
    expect(await chart.textContent()).toContain('AP (%)');
    await page.screenshot({ path: path.join(SHOTS, 'sweep.png'), fullPage: true });
  });

  it("draws a run's curves with one point per stored metric row and evaluation, and its PR curves", async () => {
    // The run of the best cell, so the screenshot shows curves that are not all zero.
    const sweep = await stack.request<{ runs: { id: string; params: Record<string, unknown> }[] }>('GET', `/sweeps/${sweepId}`);
    const table = await stack.request<{ entries: { key: Record<string, unknown>; cells: Record<string, PivotCell> }[] }>('GET', `/sweeps/${sweepId}/ablation?rows=loss.gamma,loss.alpha`);
    const best = table.body.entries.reduce((a, b) => ((b.cells['AP']?.mean ?? -1) > (a.cells['AP']?.mean ?? -1) ? b : a));
    const runId = sweep.body.runs.find((r) => r.params['loss.gamma'] === best.key['loss.gamma'] && r.params['loss.alpha'] === best.key['loss.alpha'])!.id;
    const run = await stack.request<{ metrics: { values: Record<string, number | null> }[]; evaluations: Record<string, unknown>[] }>('GET', `/runs/${runId}`);
    await page.goto(`${stack.apiUrl}/ui/runs/${runId}`);
    const loss = chartSvg(page, 'loss parts');
    await loss.waitFor({ timeout: 15_000 });
    const lossPoints = run.body.metrics.reduce((n, m) => n + ['loss', 'classLoss', 'boxLoss'].filter((k) => typeof m.values[k] === 'number').length, 0);
    expect(await loss.locator('circle').count()).toBe(lossPoints);
    // AP, AP50, APs, APm, APl of every completed evaluation (−1, no ground truth in a range, is not drawn).
    expect(run.body.evaluations.map((e) => e['step'])).toEqual([STEPS / 2, STEPS]);
    const apPoints = run.body.evaluations.reduce((n, e) => n + ['AP', 'AP50', 'APs', 'APm', 'APl'].filter((k) => typeof e[k] === 'number' && (e[k] as number) >= 0).length, 0);
    expect(await chartSvg(page, 'AP against step').locator('circle').count()).toBe(apPoints);
    const pr = chartSvg(page, 'PR curve IoU 0.5').locator('path');
    expect(await pr.count()).toBeGreaterThan(0);
    // Per-class AP under the training set's category names.
    const classes = await page.locator('table[aria-label="Per-class AP"] tbody td:first-child').allTextContents();
    expect(classes).toEqual(SHAPE_CLASSES);

    // The predictions on the first validation image: as many boxes as detections at or above the threshold.
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    const images = await stack.request<{ images: { id: number }[] }>('GET', `/runs/${runId}/images?limit=1`);
    const annotations = await stack.request<{ detections: { score: number }[]; groundTruth: unknown[] }>('GET', `/runs/${runId}/images/${images.body.images[0]!.id}/annotations`);
    const predictions = page.locator('figure[aria-label="Predictions"]');
    await predictions.locator('img').waitFor({ timeout: 15_000 });
    await eventually('the prediction image to load', async () => ((await predictions.locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)) > 0 ? true : undefined), 15_000);
    const drawn = (threshold: number) => annotations.body.detections.filter((d) => d.score >= threshold).length;
    expect(await predictions.locator('rect.detection').count()).toBe(drawn(0.3));
    await page.locator('input[aria-label="Score threshold"]').fill('0.1');
    expect(await predictions.locator('rect.detection').count()).toBe(drawn(0.1));
    expect(await page.locator('figure[aria-label="Ground truth"] rect.truth').count()).toBe(annotations.body.groundTruth.length);
    await page.locator('table[aria-label="Confusion matrix"]').waitFor({ timeout: 30_000 });
    await page.locator('#predictions').screenshot({ path: path.join(SHOTS, 'predictions.png') });
    await page.screenshot({ path: path.join(SHOTS, 'run.png'), fullPage: true });
  });

  it('overlays runs picked from the sweep on the compare page', async () => {
    const sweep = await stack.request<{ runs: { id: string }[] }>('GET', `/sweeps/${sweepId}`);
    await page.goto(`${stack.apiUrl}/ui/compare?runs=${sweep.body.runs.map((r) => r.id).join(',')}`);
    const loss = chartSvg(page, 'compare loss');
    await loss.waitFor({ timeout: 15_000 });
    expect(await loss.locator('circle').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'compare.png'), fullPage: true });
  });

  it('tags a sweep on its page, and a click on the tag filters the home page to the sweeps carrying it', async () => {
    // A second sweep the filter must hide (cancelled at once: nothing of it needs to train).
    const other = await stack.request<{ id: string }>('POST', '/sweeps', learningSweepSpec({ name: 'console untagged', grid: { gamma: [0] }, steps: 6 }));
    expect(other.status).toBe(201);
    await stack.request('POST', `/sweeps/${other.body.id}/cancel`);

    await page.goto(`${stack.apiUrl}/ui/sweeps/${sweepId}`);
    await page.click('.annotations button:has-text("edit tags and note")');
    await page.fill('input[aria-label=Tags]', 'focal, e2e-tagged, focal');
    await page.fill('textarea[aria-label=Note]', 'γ × α as in Table 1a of the RetinaNet paper');
    await page.click('form.annotations button[type=submit]');
    await page.locator('.annotations .chip:has-text("e2e-tagged")').waitFor({ timeout: 10_000 });
    const stored = await stack.request<{ tags: string[]; note: string }>('GET', `/sweeps/${sweepId}`);
    expect(stored.body).toMatchObject({ tags: ['focal', 'e2e-tagged'], note: 'γ × α as in Table 1a of the RetinaNet paper' });

    await page.goto(`${stack.apiUrl}/ui/`);
    const rows = page.locator('table[aria-label=Sweeps] tbody tr');
    await page.locator(`tr[data-sweep="${other.body.id}"]`).waitFor({ timeout: 10_000 });
    expect(await rows.count()).toBe(2);
    await page.screenshot({ path: path.join(SHOTS, 'home.png'), fullPage: true });
    await page.click(`tr[data-sweep="${sweepId}"] .chip:has-text("e2e-tagged")`);
    await page.waitForURL(/\/ui\/\?tag=e2e-tagged$/);
    await eventually('the home page to list the tagged sweep only', async () => ((await rows.count()) === 1 ? true : undefined), 10_000);
    expect(await rows.first().getAttribute('data-sweep')).toBe(sweepId);
    expect(await page.inputValue('input[aria-label="Filter by tag"]')).toBe('e2e-tagged');
  });

  it('made no request the API refused once signed in', () => {
    expect(refused).toEqual([]);
  });
});

/** The chart's plot (Plot puts legend swatches in SVGs of their own, without a viewBox). */
function chartSvg(page: Page, label: string) {
  return page.locator(`[data-chart="${label}"] svg[viewBox]`);
}

async function expectText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).waitFor({ timeout: 10_000 });
  expect(await page.locator(selector).textContent()).toContain(text);
}
