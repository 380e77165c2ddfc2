import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DirectoryArtifactStore } from '../artifacts/directory-artifact-store';
import { ENTITIES } from '../entities';
import type { RunReproducibility } from '../entities/run.entity';
import { NotFoundError } from '../errors';
import { Store } from '../store';
import { createTemporaryDatabase, type TemporaryDatabase } from '../testing/temporary-database';
import { MIGRATIONS } from './index';
import { RunRecords1765700000000 } from './1765700000000-run-records';

let db: TemporaryDatabase;
let ds: DataSource;

const record: RunReproducibility = {
  git: { commit: 'a'.repeat(40), dirty: true },
  ablateVersion: '0.1.0',
  tfjsVersion: '4.22.0',
  nodeVersion: '20.19.0',
  datasets: { train: { uri: 'synthetic:shapes', sha256: 'b'.repeat(64) }, val: { uri: 'coco:gone.json', sha256: null } },
  recordedAt: '2025-01-01T00:00:00.000Z',
};

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_run_records');
  ds = new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(RunRecords1765700000000)), migrationsTransactionMode: 'each', poolSize: 2 });
  await ds.initialize();
  await ds.runMigrations();
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

/**
 * This migration up or down, together with the ones after it: the entities the test reads through
 * are today's, so the schema must be today's whenever the store is used.
 */
async function migrate(direction: 'up' | 'down'): Promise<void> {
  const position = MIGRATIONS.indexOf(RunRecords1765700000000);
  const steps = MIGRATIONS.slice(position).map((M) => new M());
  const runner = ds.createQueryRunner();
  try {
    for (const m of direction === 'up' ? steps : [...steps].reverse()) await m[direction](runner);
  } finally {
    await runner.release();
  }
}

async function runColumns(): Promise<string[]> {
  const rows: { column_name: string }[] = await ds.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'runs'`);
  return rows.map((r) => r.column_name);
}

it('adds categories and reproducibility to runs, null on runs stored before, and down() drops them', async () => {
  const before = randomUUID();
  await ds.query(`INSERT INTO runs (id, key, config, seed, dataset_train, total_steps) VALUES ($1, 'k', '{}', 0, 'synthetic:shapes', 10)`, [before]);
  await migrate('up');
  expect(await runColumns()).toEqual(expect.arrayContaining(['categories', 'reproducibility']));
  const store = new Store(ds);
  expect(await store.runs.get(before)).toMatchObject({ categories: null, reproducibility: null });

  await store.runs.recordCategories(before, [{ id: 1, name: 'circle' }, { id: 2, name: 'square' }]);
  await store.runs.recordReproducibility(before, record);
  expect(await store.runs.get(before)).toMatchObject({ categories: [{ id: 1, name: 'circle' }, { id: 2, name: 'square' }], reproducibility: record });
  await expect(store.runs.recordCategories(randomUUID(), [])).rejects.toBeInstanceOf(NotFoundError);

  await migrate('down');
  expect(await runColumns()).not.toContain('categories');
  expect(await runColumns()).not.toContain('reproducibility');
  await migrate('up');
});

it('lists a run’s checkpoints with their size and time, in PostgreSQL and in a directory alike', async () => {
  const runId = randomUUID();
  await ds.query(`INSERT INTO runs (id, key, config, seed, dataset_train, total_steps) VALUES ($1, 'k2', '{}', 0, 'synthetic:shapes', 10)`, [runId]);
  const dir = mkdtempSync(join(tmpdir(), 'ablate-ckpt-list-'));
  try {
    for (const store of [new Store(ds, { keepCheckpoints: 2 }), new Store(ds, { keepCheckpoints: 2, artifacts: new DirectoryArtifactStore(dir) })]) {
      const start = Date.now() - 5000;
      for (const step of [2, 4, 6]) await store.checkpoints.saveCheckpoint(runId, step, new Uint8Array(step * 10));
      const list = await store.checkpoints.listCheckpoints(runId);
      // The oldest was pruned (two kept).
      expect(list.map(({ step, bytes }) => ({ step, bytes }))).toEqual([{ step: 4, bytes: 40 }, { step: 6, bytes: 60 }]);
      for (const c of list) expect(c.createdAt.getTime()).toBeGreaterThan(start);
      expect(await store.checkpoints.listCheckpoints(randomUUID())).toEqual([]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
