import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { EVALUATION_STAT_NAMES, openStore, type EvaluationStats, type Store } from '@ablate/store';
import { createTemporaryDatabase, dropRedisPrefix, type TemporaryDatabase } from '@ablate/store/testing';
import { portOrFree, spawnApp, waitForHttp, type ChildApp } from '../demo/child-apps';

const KEY = 'recipe-cli-key';
const REPO_ROOT = path.resolve(__dirname, '../../../..');
const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const prefix = `ablate-test-recipe-${randomBytes(4).toString('hex')}`;

let db: TemporaryDatabase;
let api: ChildApp;
let apiUrl: string;
let store: Store;

/** `ablate …` as a user runs it: the real binary, against the real API when it needs one. */
async function ablate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bin/ablate.js'), ...args], { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const target = () => ['--api', apiUrl, '--key', KEY];
const stats = (AP: number) => ({ ...(Object.fromEntries(EVALUATION_STAT_NAMES.map((k) => [k, 0.5])) as EvaluationStats), AP });

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_cli_recipe');
  const port = await portOrFree(0);
  apiUrl = `http://127.0.0.1:${port}`;
  api = spawnApp('api', 'api', { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: db.url, REDIS_URL: redisUrl, ABLATE_QUEUE_PREFIX: prefix, ABLATE_API_KEYS: KEY }, () => undefined);
  await waitForHttp(`${apiUrl}/health`, api);
  store = await openStore({ url: db.url, poolSize: 2 });
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await store?.close();
  await db?.drop();
  await dropRedisPrefix(redisUrl, prefix);
});

describe('ablate recipe', () => {
  it('lists the recipes with the runs each makes at its default budget, and shows one with the paper’s table', async () => {
    const list = await ablate('recipe', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+PAPER\s+TABLE\s+RUNS AT THE DEFAULT BUDGET\n/);
    expect(list.stdout).toMatch(/\nretinanet-1a\s+Focal Loss for Dense Object Detection\s+Table 1a\s+14 runs \(7 settings × 2 seeds, 600 steps each\)\n/);
    const show = await ablate('recipe', 'show', 'retinanet-1b');
    expect(show.stdout).toContain('retinanet-1b: RetinaNet Table 1b: focal loss γ × α');
    expect(show.stdout).toContain('| loss.gamma | loss.alpha | AP (higher is better) |');
    expect(show.stdout).toContain('| 2 | 0.25 | 34.0 |');
    expect(show.stdout).toContain('"loss.gamma": [');
  }, 60_000);

  it('exits 2 naming what is wrong: an unknown recipe, a bad budget or seeds, a dataset without a validation split', async () => {
    const unknown = await ablate('recipe', 'show', 'nope');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^unknown recipe 'nope' \(recipes: retinanet-1a, /);
    expect((await ablate('recipe', 'run', 'retinanet-1a', '--budget', '1e3', ...target())).stderr).toBe("--budget: must be a whole number, got '1e3'\n");
    expect((await ablate('recipe', 'run', 'retinanet-1a', '--seeds', '0', ...target())).stderr).toMatch(/^--seeds: Too small/);
    const coco = await ablate('recipe', 'run', 'retinanet-1a', '--dataset', 'coco:train.json', ...target());
    expect(coco.code).toBe(2);
    expect(coco.stderr).toMatch(/--val-dataset/);
    // The API's 4xx (here a dataset reference it refuses) exits 2 with its message.
    const refused = await ablate('recipe', 'run', 'retinanet-1a', '--dataset', 'synthetic:shapes?images=0', ...target());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/400 .*images must be an integer/);
  }, 60_000);

  it('submits a recipe scaled by --dataset, --budget and --seeds, and compares its ended runs with the paper', async () => {
    const run = await ablate('recipe', 'run', 'efficientdet-phi', '--dataset', 'synthetic:shapes?images=8&size=32', '--budget', '3', '--seeds', '2', ...target());
    expect(run.code).toBe(0);
    const id = run.stdout.trim();
    const sweep = await store.sweeps.get(id);
    expect(sweep.spec).toMatchObject({ dataset: { train: 'synthetic:shapes?images=8&size=32&split=train', val: 'synthetic:shapes?images=8&size=32&split=val' }, base: { train: { steps: 3 } }, seeds: [0, 1] });
    // φ = 0 above φ = 1 (the paper has 33.5 < 39.1): runs in expansion order (φ, seed).
    for (const [i, r] of (await store.sweeps.runsOf(id)).entries()) {
      await store.runs.markRunStarted(r.id, { attempt: 1, host: 'h', pid: 1, backend: 'cpu', device: 'cpu' });
      await store.evaluations.saveEvaluation(r.id, { dataset: 'synthetic:shapes?images=8&size=32&split=val', step: 3, stats: { bbox: stats([0.3, 0.32, 0.1, 0.12][i]!) } });
      await store.runs.finishRun(r.id, 'completed', { step: 3 });
    }
    const compare = await ablate('recipe', 'compare', 'efficientdet-phi', id, ...target());
    expect(compare.code).toBe(0);
    expect(compare.stdout).toContain('| model.phi | paper AP | Ablate AP (×100, mean ± std over seeds) |');
    expect(compare.stdout).toContain('| 0 | 33.5 | 31.0 ± 1.4 (n=2) |');
    expect(compare.stdout).toContain('ρ = -1.00');
    expect(compare.stdout).toMatch(/Best setting: Disagree: the paper’s best setting \(model\.phi = 1\) scores 11\.0 ± 1\.4 in Ablate, 20\.0 below Ablate’s best/);
    const missing = await ablate('recipe', 'compare', 'efficientdet-phi', '00000000-0000-4000-8000-000000000000', ...target());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/404 sweep 00000000-0000-4000-8000-000000000000 not found/);
  }, 60_000);
});
