/**
 * @ablate/store — PostgreSQL through TypeORM: entities, migrations, repositories, the artifact
 * store. Open it with `openStore()` (or `StoreModule.forRoot()` in Nest) and use the
 * repositories on `Store`; see `Store` for the list of operations.
 */
// The names other packages use, one by one (an internal helper never becomes API by accident);
// test helpers are at the `testing` entry point.
export { ablationToCsv, ablationToMarkdown } from './ablation/ablation-format';
export { ablationToHtml } from './ablation/ablation-html';
export { AblationQueryError, type AblationMetric, type AblationQuery, type AblationTable } from './ablation/ablation-table';
export { ARTIFACT_CHUNK_BYTES, type ArtifactInfo } from './artifacts/artifact-store';
export { DirectoryArtifactStore } from './artifacts/directory-artifact-store';
export { EVALUATION_STAT_NAMES, evaluationView, type EvaluationStats, type EvaluationView, type PerClassByIouType, type StatsByIouType } from './entities/evaluation.entity';
export { RunEntity, type DatasetFingerprint, type RunCategory, type RunReproducibility } from './entities/run.entity';
export { SweepEntity } from './entities/sweep.entity';
export { ENDED_RUN_STATUSES } from './entities/statuses';
export { ConflictError, IdempotencyKeyReusedError, NotFoundError, isStoreUnavailable } from './errors';
export type { EvaluationResult } from './repositories/evaluation.repository';
export type { AttemptInfo } from './repositories/run.repository';
export type { SweepProgress } from './repositories/sweep.repository';
export { Store, openStore, storeOptionsFromEnv } from './store';
export type { PromotedRun, RungDecision } from './repositories/asha.repository';
export { StoreModule } from './store.module';
