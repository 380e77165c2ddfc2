import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ENTITIES, evaluationView } from '../entities';
import { EvaluationRepository } from '../repositories/evaluation.repository';
import { createTemporaryDatabase, type TemporaryDatabase } from '../testing/temporary-database';
import { MIGRATIONS } from './index';
import { EvaluationStatsRows1765500000000 } from './1765500000000-evaluation-stats-rows';

/** The old columns of one iou type, in COCO's order, with the API names their rows get. */
const NAMES = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl'];
const COLUMNS = ['ap', 'ap50', 'ap75', 'ap_s', 'ap_m', 'ap_l', 'ar1', 'ar10', 'ar100', 'ar_s', 'ar_m', 'ar_l'];
const SEGM_COLUMNS = COLUMNS.map((c) => `segm_${c}`);

const position = MIGRATIONS.indexOf(EvaluationStatsRows1765500000000);
const runId = randomUUID();
/** Doubles that a decimal detour would round (k / 37, k / 41), and pycocotools' −1. */
const bbox = COLUMNS.map((_, k) => (k === 3 ? -1 : (k + 1) / 37));
const segm = COLUMNS.map((_, k) => (k + 1) / 41);
const classes = [{ categoryId: 1, ap: 1 / 3 }, { categoryId: 2, name: 'circle', ap: -1 }];
const ids = { masks: randomUUID(), boxes: randomUUID(), partial: randomUUID(), queued: randomUUID(), failed: randomUUID() };

let db: TemporaryDatabase;

beforeAll(async () => {
  db = await createTemporaryDatabase('ablate_migration');
});

afterAll(async () => {
  await db?.drop();
});

/** A DataSource whose migrations stop at `count` (the schema of that time). */
async function openAt(count: number): Promise<DataSource> {
  const ds = new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: MIGRATIONS.slice(0, count), migrationsTransactionMode: 'each', poolSize: 1 });
  await ds.initialize();
  await ds.runMigrations();
  return ds;
}

/** Evaluations as the previous schema stored them: with masks, bbox only, a null stat, queued, failed. */
async function insertOldRows(ds: DataSource): Promise<void> {
  await ds.query(`INSERT INTO runs (id, key, config, seed, dataset_train, total_steps) VALUES ($1, 'k', '{}', 0, 'synthetic:shapes', 10)`, [runId]);
  const insert = (id: string, step: number, columns: string[], values: unknown[], status = 'completed') => {
    const all = ['id', 'run_id', 'dataset', 'step', 'status', ...columns];
    return ds.query(`INSERT INTO evaluations (${all.join(', ')}) VALUES (${all.map((_, i) => `$${i + 1}`).join(', ')})`, [id, runId, 'val', step, status, ...values]);
  };
  await insert(ids.masks, 1, [...COLUMNS, ...SEGM_COLUMNS, 'per_class', 'segm_per_class'], [...bbox, ...segm, JSON.stringify(classes), JSON.stringify(classes.slice(1))]);
  await insert(ids.boxes, 2, [...COLUMNS, 'per_class'], [...bbox, JSON.stringify(classes)]);
  await insert(ids.partial, 3, COLUMNS.slice(0, 2), bbox.slice(0, 2));
  await insert(ids.queued, 4, [], [], 'queued');
  await insert(ids.failed, 5, ['error'], ['boom'], 'failed');
}

function expectedRows(): { evaluation_id: string; iou_type: string; metric: string; value: number }[] {
  const rows = (id: string, iouType: string, values: number[]) => values.map((value, k) => ({ evaluation_id: id, iou_type: iouType, metric: NAMES[k], value }));
  return [...rows(ids.masks, 'bbox', bbox), ...rows(ids.masks, 'segm', segm), ...rows(ids.boxes, 'bbox', bbox), ...rows(ids.partial, 'bbox', bbox.slice(0, 2))];
}

const byKey = (a: { evaluation_id: string; iou_type: string; metric: string }, b: typeof a) =>
  `${a.evaluation_id}${a.iou_type}${a.metric}`.localeCompare(`${b.evaluation_id}${b.iou_type}${b.metric}`);

async function evaluationColumns(ds: DataSource): Promise<string[]> {
  const rows: { column_name: string }[] = await ds.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'evaluations'`);
  return rows.map((r) => r.column_name);
}

describe('migration EvaluationStatsRows1765500000000 (real PostgreSQL)', () => {
  it('carries every stat of the 24 columns over as rows, and down() puts them back', async () => {
    // The entities read the schema as of this migration: the later ones change data, not tables.
    expect(position).toBeGreaterThan(0);
    const before = await openAt(position);
    try {
      await insertOldRows(before);
    } finally {
      await before.destroy();
    }

    const ds = await openAt(position + 1);
    try {
      const rows: ReturnType<typeof expectedRows> = await ds.query(`SELECT evaluation_id, iou_type, metric, value FROM evaluation_stats`);
      // Exactly: double precision end to end, no row for a null column or a pending evaluation.
      expect(rows.sort(byKey)).toEqual(expectedRows().sort(byKey));
      expect((await evaluationColumns(ds)).filter((c) => COLUMNS.includes(c) || c.startsWith('segm_'))).toEqual([]);
      const perClass: { id: string; per_class: unknown }[] = await ds.query(`SELECT id, per_class FROM evaluations ORDER BY step`);
      expect(perClass.map((r) => r.per_class)).toEqual([{ bbox: classes, segm: classes.slice(1) }, { bbox: classes }, null, null, null]);

      // The API's view of the migrated rows is what the columns gave.
      const evaluations = new EvaluationRepository(ds);
      const masks = evaluationView(await evaluations.get(ids.masks));
      expect(masks).toMatchObject({ ...Object.fromEntries(NAMES.map((k, i) => [k, bbox[i]])), perClass: classes });
      expect(masks.segm).toEqual({ ...Object.fromEntries(NAMES.map((k, i) => [k, segm[i]])), perClass: classes.slice(1) });
      expect(evaluationView(await evaluations.get(ids.boxes))).toMatchObject({ AP: bbox[0], segm: null });
      expect(evaluationView(await evaluations.get(ids.partial))).toMatchObject({ AP: bbox[0], AP50: bbox[1], AP75: null, perClass: null, segm: null });
      expect(evaluationView(await evaluations.get(ids.queued))).toMatchObject({ status: 'queued', AP: null, segm: null });
      expect(evaluationView(await evaluations.get(ids.failed))).toMatchObject({ status: 'failed', error: 'boom', AP: null, segm: null });

      await ds.undoLastMigration();
      const tables: unknown[] = await ds.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'evaluation_stats'`);
      expect(tables).toEqual([]);
      const restored: Record<string, unknown>[] = await ds.query(
        `SELECT ${[...COLUMNS, ...SEGM_COLUMNS, 'per_class', 'segm_per_class', 'status', 'error'].join(', ')} FROM evaluations ORDER BY step`,
      );
      const nulls = (n: number) => Array<null>(n).fill(null);
      const row = (b: (number | null)[], s: (number | null)[], pc: unknown, spc: unknown, status = 'completed', error: string | null = null) => ({
        ...Object.fromEntries(COLUMNS.map((c, k) => [c, b[k]])),
        ...Object.fromEntries(SEGM_COLUMNS.map((c, k) => [c, s[k]])),
        per_class: pc,
        segm_per_class: spc,
        status,
        error,
      });
      expect(restored).toEqual([
        row(bbox, segm, classes, classes.slice(1)),
        row(bbox, nulls(12), classes, null),
        row([...bbox.slice(0, 2), ...nulls(10)], nulls(12), null, null),
        row(nulls(12), nulls(12), null, null, 'queued'),
        row(nulls(12), nulls(12), null, null, 'failed', 'boom'),
      ]);
    } finally {
      await ds.destroy();
    }
  });
});
