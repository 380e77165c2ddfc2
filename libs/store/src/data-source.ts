import { readVariable } from '@ablate/config';
import { DataSource, MigrationExecutor } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export { DEFAULT_DATABASE_URL } from '@ablate/config';

/** `DATABASE_URL`, or the local default (@ablate/config). */
export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return readVariable('DATABASE_URL', env);
}

export interface DataSourceOptions {
  /** postgres:// URL. @defaultValue DATABASE_URL or postgres://postgres@127.0.0.1:5432/ablate */
  url?: string;
  /** Run pending migrations on initialise. @defaultValue true */
  migrationsRun?: boolean;
  /** Connection pool size. @defaultValue 10 */
  poolSize?: number;
  /** Log SQL. @defaultValue false */
  logging?: boolean;
}

/**
 * A TypeORM DataSource over the store's entities and migrations (not yet initialised). Schema
 * changes only ever come from migrations: `synchronize` is off.
 */
export function createDataSource(options: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url ?? databaseUrlFromEnv(),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: options.migrationsRun ?? true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: options.logging ?? false,
    poolSize: options.poolSize ?? 10,
  });
}

/**
 * Creates the database named in `url` if it does not exist (connecting to the `postgres`
 * database of the same server), so a fresh machine needs no manual `createdb`.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!name) return;
  parsed.pathname = '/postgres';
  const admin = new DataSource({ type: 'postgres', url: parsed.toString(), poolSize: 1 });
  await admin.initialize();
  try {
    const rows: unknown[] = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) {
      try {
        await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } catch (e) {
        // Another process created it between our check and our CREATE: 42P04 duplicate_database,
        // or 23505 when both inserted into pg_database at once.
        if (!['42P04', '23505'].includes(pgErrorCode(e) ?? '')) throw e;
      }
    }
  } finally {
    await admin.destroy();
  }
}

/** The SQLSTATE of a pg error, whether raw or wrapped in TypeORM's QueryFailedError. */
export function pgErrorCode(e: unknown): string | undefined {
  const err = e as { code?: unknown; driverError?: { code?: unknown } };
  const code = err.driverError?.code ?? err.code;
  return typeof code === 'string' ? code : undefined;
}

/** Arbitrary constant of the advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK_KEY = 0x61626c74; // 'ablt'

/**
 * Creates the database if needed, initialises a DataSource and runs pending migrations under a
 * PostgreSQL advisory lock, so an API and several workers starting at once never race on DDL.
 */
export async function openDataSource(options: DataSourceOptions = {}): Promise<DataSource> {
  const url = options.url ?? databaseUrlFromEnv();
  await ensureDatabase(url);
  const dataSource = createDataSource({ ...options, url, migrationsRun: false });
  await dataSource.initialize();
  if (options.migrationsRun ?? true) {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      // On the lock's own connection, so a pool of one cannot deadlock.
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      await executor.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await runner.release();
    }
  }
  return dataSource;
}
