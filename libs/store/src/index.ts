/**
 * @ablate/store — PostgreSQL through TypeORM: entities, migrations, repositories, the artifact
 * store. Open it with `openStore()` (or `StoreModule.forRoot()` in Nest) and use the
 * repositories on `Store`; see `Store` for the list of operations.
 */
export * from './entities';
export * from './errors';
export * from './data-source';
export * from './artifacts';
export * from './ablation';
export * from './repositories/sweep.repository';
export * from './repositories/run.repository';
export * from './repositories/metric.repository';
export * from './repositories/evaluation.repository';
export * from './repositories/ablation.repository';
export * from './store';
export * from './store.module';
export { MIGRATIONS } from './migrations';
