import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { EVALUATION_STAT_NAMES, type EvaluationStats } from '@ablate/store';
import { startCliTestApi, type CliTestApi } from '../testing/cli-against-api';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
let api: CliTestApi;

/** `ablate …` as a user runs it: the real binary against the real API. */
const ablate = (...args: string[]) => api.ablate(...args);

async function submit(name: string, extra: Record<string, unknown> = {}): Promise<{ id: string; runs: { id: string }[] }> {
  const res = await fetch(`${api.url}/sweeps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      dataset: { train: 'synthetic:shapes?images=8&size=32', val: 'synthetic:shapes?images=4&size=32&split=val' },
      base: { model: { inputSize: 32, numClasses: 7 }, train: { steps: 5 } },
      grid: { gamma: [0, 2] },
      ...extra,
    }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; runs: { id: string }[] };
}

const stats = (AP: number) => ({ ...(Object.fromEntries(EVALUATION_STAT_NAMES.map((k) => [k, 0.5])) as EvaluationStats), AP });

/** Runs a run to completion as a worker would, through the store (no worker consumes this test's queue prefix). */
async function complete(runId: string, AP: number): Promise<void> {
  await api.store.runs.markRunStarted(runId, { attempt: 1, host: 'gpu-box', pid: 42, backend: 'cpu', device: 'cpu', startStep: 0 });
  await api.store.runs.recordCategories(runId, [{ id: 1, name: 'circle' }, { id: 2, name: 'square' }]);
  await api.store.runs.recordReproducibility(runId, {
    git: { commit: 'c0ffee'.repeat(7).slice(0, 40), dirty: true },
    ablateVersion: '0.1.0',
    tfjsVersion: '4.22.0',
    nodeVersion: '20.19.0',
    datasets: { train: { uri: 'synthetic:shapes?images=8&size=32', sha256: 'ab'.repeat(32) }, val: { uri: 'synthetic:shapes?images=4&size=32&split=val', sha256: null } },
    recordedAt: '2025-01-01T00:00:00.000Z',
  });
  await api.store.evaluations.saveEvaluation(runId, { dataset: 'synthetic:shapes?images=4&size=32&split=val', step: 5, stats: { bbox: stats(AP) } });
  await api.store.runs.finishRun(runId, 'completed', { step: 5 });
}

beforeAll(async () => {
  api = await startCliTestApi('cli-admin');
}, 120_000);

afterAll(async () => {
  await api?.dispose();
});

describe('ablate sweep list / show / tag / cancel and run show against a real API', () => {
  let done: { id: string; runs: { id: string }[] };
  let live: { id: string; runs: { id: string }[] };

  beforeAll(async () => {
    done = await submit('focal done', { tags: ['paper'], note: 'Table 1a, small' });
    await complete(done.runs[0]!.id, 0.3);
    await api.store.runs.markRunStarted(done.runs[1]!.id, { attempt: 1, host: 'gpu-box', pid: 42, backend: 'cpu', device: 'cpu', startStep: 0 });
    await api.store.runs.finishRun(done.runs[1]!.id, 'failed', { step: 2, error: 'out of memory' });
    live = await submit('focal live');
  }, 60_000);

  it('lists sweeps as a table (status with failures, runs ended, progress, tags), filtered by tag and status, or as JSON', async () => {
    const all = await ablate('sweep', 'list');
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATUS\s+RUNS\s+PROGRESS\s+TAGS$/);
    expect(lines[1]).toMatch(new RegExp(`^${live.id}\\s+focal live\\s+queued\\s+0/2\\s+0% · eta –$`));
    expect(lines[2]).toMatch(new RegExp(`^${done.id}\\s+focal done\\s+completed_with_failures \\(1 failed\\)\\s+2/2\\s+100%\\s+paper$`));
    const tagged = await ablate('sweep', 'list', '--tag', 'paper', '--status', 'completed_with_failures');
    expect(tagged.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual([done.id]);
    const json = JSON.parse((await ablate('sweep', 'list', '--json', '--name', 'LIVE')).stdout) as { id: string }[];
    expect(json.map((s) => s.id)).toEqual([live.id]);
  }, 60_000);

  it('shows a sweep: its facts, failures grouped by reason and its ablation table', async () => {
    const out = await ablate('sweep', 'show', done.id);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`sweep ${done.id}: focal done`);
    expect(out.stdout).toMatch(/status: +completed_with_failures \(1 failed\) · 1 failed, 1 completed/);
    expect(out.stdout).toMatch(/progress: +100% · 2\/2 runs ended/);
    expect(out.stdout).toMatch(/tags: +paper\nnote: +Table 1a, small/);
    expect(out.stdout).toMatch(/1 run failed: out of memory\n\s+γ=2 \(\w{8}\)/);
    expect(out.stdout).toMatch(/\| loss\.gamma \|.*AP/);
    expect(out.stdout).toMatch(/\| 0 \| .*30\.0/);
    const pending = await ablate('sweep', 'show', live.id);
    expect(pending.stdout).toMatch(/progress: +0% · eta – · 0\/2 runs ended/);
    expect(pending.stdout).toContain('no ablation table yet: no run has completed');
  }, 60_000);

  it('adds and removes tags and sets the note; bad tags and a missing change exit 2 naming the option', async () => {
    const out = await ablate('sweep', 'tag', live.id, '--add', 'baseline,gamma', '--add', 'tmp', '--note', 'first try');
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(`sweep ${live.id}: tags baseline, gamma, tmp\nnote: first try\n`);
    expect((await ablate('sweep', 'tag', live.id, '--remove', 'tmp', '--add', 'gamma')).stdout).toBe(`sweep ${live.id}: tags baseline, gamma\nnote: first try\n`);
    const listed = await ablate('sweep', 'list', '--tag', 'baseline,gamma');
    expect(listed.stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual([live.id]);

    const bad = await ablate('sweep', 'tag', live.id, '--add', 'x'.repeat(65));
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/^--add "x{65}": must be at most 64 characters/);
    expect((await ablate('sweep', 'tag', live.id)).stderr).toMatch(/give --add, --remove or --note/);
    const missing = await ablate('sweep', 'tag', '00000000-0000-4000-8000-000000000000', '--note', 'x');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/404 sweep 00000000-0000-4000-8000-000000000000 not found/);
    const badStatus = await ablate('sweep', 'list', '--status', 'done');
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toMatch(/^--status: must be one of queued, running/);
  }, 60_000);

  it('shows a run: config summary, status, attempts, final AP, reproducibility and categories', async () => {
    const out = await ablate('run', 'show', done.runs[0]!.id);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`run ${done.runs[0]!.id}: γ=0`);
    expect(out.stdout).toMatch(/sweep: +[\w-]{36} · γ=0 · seed 0/);
    expect(out.stdout).toMatch(/config: +retinanet .*@32px, 7 classes · focal γ=0 α=0\.25 · .* 5 steps of batch/);
    expect(out.stdout).toMatch(/status: +completed · step 5\/5/);
    expect(out.stdout).toMatch(/attempts: 1\n  #1 completed on gpu-box:42 \(cpu, cpu\) steps 0→5/);
    expect(out.stdout).toMatch(/final: +AP 30\.0 · AP50 50\.0 .*\(step 5, synthetic:shapes/);
    expect(out.stdout).toMatch(/reproducibility: git c0ffeec0ffee \(uncommitted changes\) · Ablate 0\.1\.0 · TensorFlow\.js 4\.22\.0 · Node 20\.19\.0/);
    expect(out.stdout).toMatch(/data: +train synthetic:shapes\?images=8&size=32 sha256 abababababababab · val .* sha256 unreadable/);
    expect(out.stdout).toMatch(/classes: +1 circle, 2 square/);
    const json = JSON.parse((await ablate('run', 'show', done.runs[0]!.id, '--json')).stdout) as { finalEvaluation: { AP: number } };
    expect(json.finalEvaluation.AP).toBe(0.3);
    const bad = await ablate('run', 'show', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/400 .*id/);
  }, 60_000);

  it('cancels a sweep, and exits 2 with the API’s message for one that has ended', async () => {
    const out = await ablate('sweep', 'cancel', live.id);
    expect(out).toMatchObject({ code: 0, stdout: `sweep ${live.id}: cancelled (2 queued runs cancelled, 0 running runs stopping)\n` });
    const again = await ablate('sweep', 'cancel', done.id);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/409 sweep .* has already ended \(completed_with_failures\): nothing to cancel/);
  }, 60_000);

  it('prints Ablate’s version and TensorFlow.js’s', async () => {
    const out = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, 'bin/ablate.js'), '--version'], { cwd: REPO_ROOT });
    expect(out.stdout).toMatch(/^ablate 0\.1\.0\nTensorFlow\.js 4\.22\.0\n$/);
  });
});
