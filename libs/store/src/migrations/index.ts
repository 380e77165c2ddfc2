import { InitialSchema1732450000000 } from './1732450000000-initial-schema';
import { SegmStats1764000000000 } from './1764000000000-segm-stats';
import { SweepFailureStatuses1765200000000 } from './1765200000000-sweep-failure-statuses';
import { IdempotencyBodyHash1765300000000 } from './1765300000000-idempotency-body-hash';
import { ArtifactsUncompressed1765400000000 } from './1765400000000-artifacts-uncompressed';
import { EvaluationStatsRows1765500000000 } from './1765500000000-evaluation-stats-rows';
import { RunConfigFamilySections1765600000000 } from './1765600000000-run-config-family-sections';
import { RunRecords1765700000000 } from './1765700000000-run-records';
import { TagsNotes1765800000000 } from './1765800000000-tags-notes';
import { AshaRungs1765900000000 } from './1765900000000-asha-rungs';

/** Hand-written migrations, in order; run on start (`migrationsRun`). */
export const MIGRATIONS = [InitialSchema1732450000000, SegmStats1764000000000, SweepFailureStatuses1765200000000, IdempotencyBodyHash1765300000000, ArtifactsUncompressed1765400000000, EvaluationStatsRows1765500000000, RunConfigFamilySections1765600000000, RunRecords1765700000000, TagsNotes1765800000000, AshaRungs1765900000000];
