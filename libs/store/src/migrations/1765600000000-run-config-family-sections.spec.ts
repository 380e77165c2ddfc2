import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RunConfigSchema, StoredRunConfigSchema } from '@ablate/detection';
import { ENTITIES } from '../entities';
import { createTemporaryDatabase, type TemporaryDatabase } from '../testing/temporary-database';
import { MIGRATIONS } from './index';
import { RunConfigFamilySections1765600000000 } from './1765600000000-run-config-family-sections';

const dataset = { train: 'synthetic:shapes', val: 'synthetic:shapes?split=val' };
/** A config as stored before the family registry: every family's sections, with their defaults. */
function legacyConfig(arch: string): Record<string, unknown> {
  const everySection = RunConfigSchema.parse({ dataset, model: { arch: 'mask-rcnn' } });
  return { ...everySection, model: { ...everySection.model, arch } };
}

let db: TemporaryDatabase;
let ds: DataSource;

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_migration');
  ds = new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: MIGRATIONS.slice(0, MIGRATIONS.indexOf(RunConfigFamilySections1765600000000)), migrationsTransactionMode: 'each', poolSize: 1 });
  await ds.initialize();
  await ds.runMigrations();
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

it('leaves each stored run config with its family’s sections only, as the schema now writes it', async () => {
  const archs = ['retinanet', 'efficientdet', 'faster-rcnn', 'mask-rcnn'];
  const ids = new Map(archs.map((arch) => [arch, randomUUID()]));
  for (const [arch, id] of ids) {
    await ds.query(`INSERT INTO runs (id, key, config, seed, dataset_train, total_steps) VALUES ($1, $2, $3, 0, 'synthetic:shapes', 10)`, [id, arch, JSON.stringify(legacyConfig(arch))]);
  }
  // Before: the schema refuses the legacy configs that carry foreign sections.
  expect(RunConfigSchema.safeParse(legacyConfig('retinanet')).success).toBe(false);

  const runner = ds.createQueryRunner();
  try {
    await new RunConfigFamilySections1765600000000().up(runner);
  } finally {
    await runner.release();
  }

  for (const [arch, id] of ids) {
    const [{ config }] = (await ds.query('SELECT config FROM runs WHERE id = $1', [id])) as { config: unknown }[];
    // What the strict schema accepts, and equal to what reading the legacy config gives.
    expect(RunConfigSchema.parse(config)).toEqual(config);
    expect(config).toEqual(StoredRunConfigSchema.parse(legacyConfig(arch)));
  }
});
