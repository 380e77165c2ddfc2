import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ENTITIES } from '../entities';
import { NotFoundError } from '../errors';
import { Store } from '../store';
import { createTemporaryDatabase, type TemporaryDatabase } from '../testing/temporary-database';
import { MIGRATIONS } from './index';
import { TagsNotes1765800000000 } from './1765800000000-tags-notes';

let db: TemporaryDatabase;
let ds: DataSource;

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_tags_notes');
  // Every migration, then this one taken down: the entities may read columns of later migrations.
  ds = new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: MIGRATIONS, migrationsTransactionMode: 'each', poolSize: 2 });
  await ds.initialize();
  await ds.runMigrations();
  await migrate('down');
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

async function migrate(direction: 'up' | 'down'): Promise<void> {
  const runner = ds.createQueryRunner();
  try {
    await new TagsNotes1765800000000()[direction](runner);
  } finally {
    await runner.release();
  }
}

async function indexes(): Promise<string[]> {
  const rows: { indexname: string }[] = await ds.query(`SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_tags_gin' ORDER BY indexname`);
  return rows.map((r) => r.indexname);
}

it('gives runs stored before no tags and an empty note, indexes tags with GIN; a patch replaces what it names', async () => {
  const runId = randomUUID();
  await ds.query(`INSERT INTO runs (id, key, config, seed, dataset_train, total_steps) VALUES ($1, 'k', '{}', 0, 'synthetic:shapes', 10)`, [runId]);
  await migrate('up');
  expect(await indexes()).toEqual(['runs_tags_gin', 'sweeps_tags_gin']);
  const store = new Store(ds);
  expect(await store.runs.get(runId)).toMatchObject({ tags: [], note: '' });

  // A patch replaces what it names and keeps the rest.
  await store.runs.annotate(runId, { tags: ['b', 'a'] });
  expect(await store.runs.annotate(runId, { note: 'why' })).toMatchObject({ tags: ['b', 'a'], note: 'why' });
  expect((await store.runs.list({ tags: ['a', 'b'] })).map((r) => r.id)).toEqual([runId]);
  expect(await store.runs.list({ tags: ['a', 'c'] })).toEqual([]);
  await expect(store.runs.annotate(randomUUID(), { note: '' })).rejects.toBeInstanceOf(NotFoundError);

});

it('down() drops the columns and their indexes', async () => {
  await migrate('down');
  expect(await indexes()).toEqual([]);
  const columns: { column_name: string }[] = await ds.query(`SELECT column_name FROM information_schema.columns WHERE table_name IN ('runs', 'sweeps') AND column_name IN ('tags', 'note')`);
  expect(columns).toEqual([]);
  await migrate('up');
});
