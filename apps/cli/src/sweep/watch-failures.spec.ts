import { startCliTestApi, type CliTestApi } from '../testing/cli-against-api';

let api: CliTestApi;

/** `ablate sweep watch <id>` as a user runs it: the real binary against the real API. */
const watch = (id: string) => api.ablate('sweep', 'watch', id);

async function submit(name: string, gammas: number[]): Promise<{ id: string; runs: { id: string }[] }> {
  const res = await fetch(`${api.url}/sweeps`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      dataset: { train: 'synthetic:shapes?images=8&size=32', val: 'synthetic:shapes?images=4&size=32&split=val' },
      base: { model: { inputSize: 32, numClasses: 7 }, train: { steps: 5 } },
      grid: { gamma: gammas },
    }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; runs: { id: string }[] };
}

/** Ends a run as a worker would, through the store (no worker consumes this test's queue prefix). */
async function end(runId: string, status: 'completed' | 'failed', error?: string): Promise<void> {
  await api.store.runs.markRunStarted(runId, { attempt: 1, host: 'test', pid: 1, backend: 'cpu', device: 'cpu', startStep: 0 });
  await api.store.runs.finishRun(runId, status, { step: 5, error });
}

beforeAll(async () => {
  api = await startCliTestApi('watch');
}, 120_000);

afterAll(async () => {
  await api?.dispose();
});

describe('ablate sweep watch on a sweep with failures', () => {
  it('exits 1, says completed_with_failures and prints the failures grouped by reason', async () => {
    const sweep = await submit('partly failed', [0, 1, 2]);
    await end(sweep.runs[0]!.id, 'failed', 'dataset.train: no such file shapes/train.json');
    await end(sweep.runs[1]!.id, 'failed', 'dataset.train: no such file shapes/train.json');
    await end(sweep.runs[2]!.id, 'completed');
    const out = await watch(sweep.id);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/completed_with_failures \(2 failed, 1 completed\)/);
    expect(out.stderr).toMatch(/2 runs failed: dataset.train: no such file shapes\/train.json\n\s+γ=0 \(\w{8}\), γ=1 \(\w{8}\)/);
  }, 60_000);

  it('exits 1 and calls a sweep whose every run failed `failed`', async () => {
    const sweep = await submit('all failed', [0, 2]);
    for (const run of sweep.runs) await end(run.id, 'failed', 'out of memory');
    const out = await watch(sweep.id);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/: failed \(2 failed\)/);
    expect(out.stderr).toMatch(/2 runs failed: out of memory/);
  }, 60_000);

  it('exits 0 on a sweep whose runs all completed', async () => {
    const sweep = await submit('clean', [0]);
    await end(sweep.runs[0]!.id, 'completed');
    const out = await watch(sweep.id);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/: completed \(1 completed\)/);
    expect(out.stderr).not.toMatch(/failed/);
  }, 60_000);
});
