import { InitialSchema1732450000000 } from './1732450000000-initial-schema';
import { SegmStats1764000000000 } from './1764000000000-segm-stats';
import { SweepFailureStatuses1765200000000 } from './1765200000000-sweep-failure-statuses';

/** Hand-written migrations, in order; run on start (`migrationsRun`). */
export const MIGRATIONS = [InitialSchema1732450000000, SegmStats1764000000000, SweepFailureStatuses1765200000000];
