import { planSweep } from '@ablate/jobs';
import { EVALUATION_STAT_NAMES, type EvaluationStats } from './entities';
import { openStore, type Store } from './store';
import { createTemporaryDatabase, type TemporaryDatabase } from './testing/temporary-database';

/** A random sweep in PostgreSQL: its varied paths are the sampled ones and its ablation table has a row per sampled configuration. */

const dataset = { train: 'synthetic:shapes?n=8', val: 'synthetic:shapes?n=4&seed=1' };
const worker = { host: 'node-a', pid: 1, backend: 'wasm', device: 'cpu' };

let db: TemporaryDatabase;
let store: Store;

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_random_sweep');
  store = await openStore({ url: db.url, poolSize: 2 });
});

afterAll(async () => {
  await store?.close();
  await db?.drop();
});

const stats = (AP: number) => ({ ...(Object.fromEntries(EVALUATION_STAT_NAMES.map((k) => [k, 0.5])) as EvaluationStats), AP });

it('stores a random sweep and tables it by its sampled values (mean ± std over seeds)', async () => {
  const { spec, runs } = planSweep({
    name: 'random focal',
    dataset,
    base: { train: { steps: 10 } },
    search: 'random',
    samplerSeed: 11,
    budget: 3,
    seeds: 2,
    space: { gamma: { uniform: [0, 5], q: 0.5 }, lr: { loguniform: [0.001, 0.1] } },
  });
  const { sweep, runs: rows } = await store.sweeps.createWithRuns({ spec, runs });
  expect(sweep.variedPaths).toEqual(['loss.gamma', 'train.lr']);
  expect((await store.sweeps.get(sweep.id)).spec).toMatchObject({ search: 'random', budget: 3, samplerSeed: 11 });
  for (const [i, run] of rows.entries()) {
    await store.runs.markRunStarted(run.id, { attempt: 1, ...worker });
    await store.evaluations.saveEvaluation(run.id, { dataset: dataset.val, step: 10, stats: { bbox: stats(0.1 * Math.floor(i / 2) + 0.01 * (i % 2)) } });
    await store.runs.finishRun(run.id, 'completed', { step: 10 });
  }
  const table = await store.ablation.forSweep(sweep.id, {});
  expect(table.rows).toEqual(['loss.gamma', 'train.lr']);
  expect(table.entries.map((e) => e.key).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
    [0, 2, 4].map((i) => ({ 'loss.gamma': runs[i]!.params['loss.gamma'], 'train.lr': runs[i]!.params['train.lr'] })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  );
  for (const entry of table.entries) expect(entry.cells['AP']!.n).toBe(2);
  // A pivot-free table by γ alone pools the other sampled path when asked to.
  const byGamma = await store.ablation.forSweep(sweep.id, { rows: ['loss.gamma'], pool: ['train.lr'] });
  expect(byGamma.pooled).toEqual(['train.lr']);
});
