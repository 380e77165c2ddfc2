import { InitialSchema1732450000000 } from './1732450000000-initial-schema';

/** Hand-written migrations, in order; run on start (`migrationsRun`). */
export const MIGRATIONS = [InitialSchema1732450000000];
