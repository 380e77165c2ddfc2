import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { EVALUATION_STAT_NAMES, type EvaluationStats } from '@ablate/store';
import { startCliTestApi, type CliTestApi } from '../testing/cli-against-api';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** `ablate recipe list|show` need no API (the recipes are @ablate/jobs'): the binary without --api / --key. */
async function offline(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bin/ablate.js'), ...args], { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let api: CliTestApi;
const stats = (AP: number) => ({ ...(Object.fromEntries(EVALUATION_STAT_NAMES.map((k) => [k, 0.5])) as EvaluationStats), AP });

beforeAll(async () => {
  api = await startCliTestApi('cli-recipe');
}, 120_000);

afterAll(async () => {
  await api?.dispose();
});

describe('ablate recipe', () => {
  it('lists the recipes with the runs each makes at its default budget, and shows one with the paper’s table', async () => {
    const list = await offline('recipe', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+PAPER\s+TABLE\s+RUNS AT THE DEFAULT BUDGET\n/);
    expect(list.stdout).toMatch(/\nretinanet-1a\s+Focal Loss for Dense Object Detection\s+Table 1a\s+14 runs \(7 settings × 2 seeds, 600 steps each\)\n/);
    const show = await offline('recipe', 'show', 'retinanet-1b');
    expect(show.stdout).toContain('retinanet-1b: RetinaNet Table 1b: focal loss γ × α');
    expect(show.stdout).toContain('| loss.gamma | loss.alpha | AP (higher is better) |');
    expect(show.stdout).toContain('| 2 | 0.25 | 34.0 |');
    expect(show.stdout).toContain('"loss.gamma": [');
  }, 60_000);

  it('exits 2 naming what is wrong: an unknown recipe, a bad budget or seeds, a dataset without a validation split', async () => {
    const unknown = await offline('recipe', 'show', 'nope');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^unknown recipe 'nope' \(recipes: demo, retinanet-1a, /);
    expect((await api.ablate('recipe', 'run', 'retinanet-1a', '--budget', '1e3')).stderr).toBe("--budget: must be a whole number of steps or CPU minutes as '30cpu-min', got '1e3'\n");
    expect((await api.ablate('recipe', 'run', 'retinanet-1a', '--budget', '0cpu-min')).stderr).toMatch(/^--budget: Too small: expected number to be >0/);
    expect((await api.ablate('recipe', 'run', 'retinanet-1a', '--seeds', '0')).stderr).toMatch(/^--seeds: Too small/);
    const coco = await api.ablate('recipe', 'run', 'retinanet-1a', '--dataset', 'coco:train.json');
    expect(coco.code).toBe(2);
    expect(coco.stderr).toMatch(/--val-dataset/);
    // The API's 4xx (here a dataset reference it refuses) exits 2 with its message.
    const refused = await api.ablate('recipe', 'run', 'retinanet-1a', '--dataset', 'synthetic:shapes?images=0');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/400 .*images must be an integer/);
  }, 60_000);

  it('submits a recipe scaled by --dataset, --budget and --seeds, and compares its ended runs with the paper', async () => {
    const run = await api.ablate('recipe', 'run', 'efficientdet-phi', '--dataset', 'synthetic:shapes?images=8&size=32', '--budget', '3', '--seeds', '2');
    expect(run.code).toBe(0);
    const id = run.stdout.trim();
    const sweep = await api.store.sweeps.get(id);
    expect(sweep.spec).toMatchObject({ dataset: { train: 'synthetic:shapes?images=8&size=32&split=train', val: 'synthetic:shapes?images=8&size=32&split=val' }, base: { train: { steps: 3 } }, seeds: [0, 1] });
    // φ = 0 above φ = 1 (the paper has 33.5 < 39.1): runs in expansion order (φ, seed).
    for (const [i, r] of (await api.store.sweeps.runsOf(id)).entries()) {
      await api.store.runs.markRunStarted(r.id, { attempt: 1, host: 'h', pid: 1, backend: 'cpu', device: 'cpu' });
      await api.store.evaluations.saveEvaluation(r.id, { dataset: 'synthetic:shapes?images=8&size=32&split=val', step: 3, stats: { bbox: stats([0.3, 0.32, 0.1, 0.12][i]!) } });
      await api.store.runs.finishRun(r.id, 'completed', { step: 3 });
    }
    const compare = await api.ablate('recipe', 'compare', 'efficientdet-phi', id);
    expect(compare.code).toBe(0);
    expect(compare.stdout).toContain('| model.phi | paper AP | Ablate AP (×100, mean ± std over seeds) |');
    expect(compare.stdout).toContain('| 0 | 33.5 | 31.0 ± 1.4 (n=2) |');
    expect(compare.stdout).toContain('ρ = -1.00');
    expect(compare.stdout).toMatch(/Best setting: Disagree: the paper’s best setting \(model\.phi = 1\) scores 11\.0 ± 1\.4 in Ablate, 20\.0 below Ablate’s best/);
    const missing = await api.ablate('recipe', 'compare', 'efficientdet-phi', '00000000-0000-4000-8000-000000000000');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/404 sweep 00000000-0000-4000-8000-000000000000 not found/);
  }, 60_000);
});
