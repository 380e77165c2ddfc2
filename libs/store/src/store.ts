import type { DataSource } from 'typeorm';
import { readVariable } from '@ablate/config';
import { openDataSource, type DataSourceOptions } from './data-source';
import { CheckpointStore, DEFAULT_CHECKPOINTS_KEPT } from './artifacts/checkpoint-store';
import { DirectoryArtifactStore } from './artifacts/directory-artifact-store';
import { PgArtifactStore } from './artifacts/pg-artifact-store';
import type { ArtifactStore } from './artifacts/artifact-store';
import { AblationRepository } from './repositories/ablation.repository';
import { AshaRepository } from './repositories/asha.repository';
import { EvaluationRepository } from './repositories/evaluation.repository';
import { MetricRepository } from './repositories/metric.repository';
import { RunRepository } from './repositories/run.repository';
import { SweepRepository } from './repositories/sweep.repository';

export interface StoreOptions extends DataSourceOptions {
  /**
   * Directory for artifacts on shared storage; absent = checkpoints in PostgreSQL.
   * The apps read `ABLATE_ARTIFACT_DIR`.
   */
  artifactDir?: string;
  /** Checkpoints kept per run. @defaultValue 2 */
  keepCheckpoints?: number;
}

/** Store options from the environment: DATABASE_URL, ABLATE_ARTIFACT_DIR. */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  const artifactDir = readVariable('ABLATE_ARTIFACT_DIR', env);
  return { url: readVariable('DATABASE_URL', env), ...(artifactDir !== undefined ? { artifactDir } : {}) };
}

/**
 * Everything the apps need from PostgreSQL, over one DataSource:
 *
 * - `sweeps`: createWithRuns (one transaction), get, list, runsOf, progress, refreshStatus, requestCancel
 * - `runs`: createLone, get, markRunStarted, recordCategories, recordReproducibility, recordProgress, isCancelRequested, finishRun, failAttempt, attemptsOf
 * - `metrics`: recordMetrics (idempotent upsert on (run, step)), metricsOf
 * - `evaluations`: saveEvaluation (the final one), requestEvaluation / completeEvaluation, finalOf, detectionsOf, detectionCountsOf, detectionsOnImage
 * - `checkpoints`: saveCheckpoint, latestCheckpoint, checkpointAt, listCheckpoints
 * - `ablation`: forSweep, forDataset → AblationTable (format with ablationToMarkdown / ablationToCsv)
 */
export class Store {
  readonly sweeps: SweepRepository;
  readonly runs: RunRepository;
  readonly metrics: MetricRepository;
  readonly evaluations: EvaluationRepository;
  readonly checkpoints: CheckpointStore;
  readonly ablation: AblationRepository;
  readonly asha: AshaRepository;

  constructor(
    readonly dataSource: DataSource,
    options: { artifacts?: ArtifactStore; keepCheckpoints?: number } = {},
  ) {
    this.sweeps = new SweepRepository(dataSource);
    this.runs = new RunRepository(dataSource, this.sweeps);
    this.metrics = new MetricRepository(dataSource);
    this.evaluations = new EvaluationRepository(dataSource);
    this.checkpoints = new CheckpointStore(
      options.artifacts ?? new PgArtifactStore(dataSource),
      options.keepCheckpoints ?? DEFAULT_CHECKPOINTS_KEPT,
    );
    this.ablation = new AblationRepository(dataSource, this.sweeps);
    this.asha = new AshaRepository(dataSource, this.sweeps);
  }

  /** `SELECT 1` (health checks). */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  /**
   * Runs `fn` only if this process gets the session advisory lock `key` at once (held on one
   * connection for the duration); resolves to undefined when another process holds it. Several
   * API replicas thus run a periodic job one at a time.
   */
  async whileHoldingLock<T>(key: number, fn: () => Promise<T>): Promise<T | undefined> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [key])) as { locked: boolean }[];
      if (!locked) return undefined;
      try {
        return await fn();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Opens the store: creates the database if missing, connects, runs pending migrations (under an
 * advisory lock, so concurrent starters are safe) and wires the repositories.
 */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const dataSource = await openDataSource(options);
  const artifacts = options.artifactDir ? new DirectoryArtifactStore(options.artifactDir) : undefined;
  return new Store(dataSource, { artifacts, keepCheckpoints: options.keepCheckpoints });
}
