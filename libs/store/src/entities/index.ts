import { ArtifactEntity } from './artifact.entity';
import { EvaluationEntity } from './evaluation.entity';
import { MetricEntity } from './metric.entity';
import { RunAttemptEntity } from './run-attempt.entity';
import { RunEntity } from './run.entity';
import { SweepEntity } from './sweep.entity';

export * from './statuses';
export { ArtifactEntity, EvaluationEntity, MetricEntity, RunAttemptEntity, RunEntity, SweepEntity };
export { EVALUATION_STAT_NAMES, evaluationView } from './evaluation.entity';
export type { ClassAp, EvaluationStatName, EvaluationStats, EvaluationView, IouTypeView, PerClassByIouType, StatsByIouType } from './evaluation.entity';
export type { MetricValues } from './metric.entity';

/** Every entity, for the DataSource. */
export const ENTITIES = [SweepEntity, RunEntity, RunAttemptEntity, MetricEntity, EvaluationEntity, ArtifactEntity];
