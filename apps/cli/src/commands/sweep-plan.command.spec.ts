import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCliTestApi, type CliTestApi } from '../testing/cli-against-api';

/** `ablate sweep plan` against a real API: the plan printed, exit 0; a bad spec exits 2 naming the field; nothing is stored. */

let api: CliTestApi;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ablate-plan-'));

function specFile(name: string, spec: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(spec));
  return file;
}

const spec = {
  name: 'plan me',
  dataset: { train: 'synthetic:shapes?images=8&size=32', val: 'synthetic:shapes?images=4&size=32&split=val' },
  base: { model: { numClasses: 7, inputSize: 64, backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, headConvs: 1 }, train: { steps: 20, batchSize: 2 } },
  search: 'sobol',
  budget: 4,
  space: { gamma: { uniform: [0, 4] }, alpha: { uniform: [0, 1] } },
};

beforeAll(async () => {
  api = await startCliTestApi('plan');
}, 120_000);

afterAll(async () => {
  await api?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ablate sweep plan', () => {
  it('prints the runs, the total steps and the measured cost, exits 0 and submits nothing', async () => {
    const out = await api.ablate('sweep', 'plan', specFile('ok.json', spec));
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^sweep "plan me": sobol search, 4 configurations × 1 seed = 4 runs \(dry run: nothing submitted\)$/m);
    expect(out.stdout).toMatch(/^sampling: Sobol' .*unscrambled.*, budget 4$/m);
    // The first Sobol points on γ ∈ [0, 4] × α ∈ [0, 1].
    expect(out.stdout).toMatch(/^#\s+seed\s+steps\s+loss\.gamma\s+loss\.alpha$/m);
    expect(out.stdout).toMatch(/^0\s+0\s+20\s+2\s+0\.5$/m);
    expect(out.stdout).toMatch(/^3\s+0\s+20\s+1\.5\s+0\.375$/m);
    expect(out.stdout).toMatch(/^total: 80 training steps$/m);
    expect(out.stdout).toMatch(/^estimated cost: [\d.e-]+ core-hours on \w+/m);
    expect(out.stdout).toMatch(/retinanet resnet18×0\.25 64 px, batch 2: 4 runs, 80 steps × [\d.e-]+ s/);
    const json = await api.ablate('sweep', 'plan', specFile('ok.json', spec), '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ dryRun: true, runCount: 4, totalSteps: 80 });
    const [{ n }] = (await api.store.dataSource.query('SELECT count(*)::int AS n FROM sweeps')) as { n: number }[];
    expect(n).toBe(0);
  }, 120_000);

  it('exits 2 on a bad spec, naming the field', async () => {
    const out = await api.ablate('sweep', 'plan', specFile('bad.json', { ...spec, space: { phi: { int: [0, 1] }, gamma: { uniform: [-1, 2] } } }));
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/space\.phi: is not used by model\.arch 'retinanet'/);
    expect(out.stderr).toMatch(/space\.gamma: lower bound -1 is refused/);
    const missing = await api.ablate('sweep', 'plan', path.join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: no such file/);
  }, 60_000);
});
