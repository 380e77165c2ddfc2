import { parseJobData, type EvaluateJobData, type SweepJobData, type TrainJobData } from '@ablate/jobs';

/** The queue contract as the worker reads it, from @ablate/jobs. */
export { CANCEL_ABORT_REASON, cancelChannel, isInfrastructureFailure, QUEUE_NAMES, type QueueName, type TrainJobResult } from '@ablate/jobs';

/** Validates a `train` job's payload; throws ValidationError naming the field. */
export const parseTrainPayload = (data: unknown): TrainJobData => parseJobData('train', data);
/** Validates an `evaluate` job's payload. */
export const parseEvaluatePayload = (data: unknown): EvaluateJobData => parseJobData('evaluate', data);
/** Validates a `sweep` job's payload. */
export const parseSweepPayload = (data: unknown): SweepJobData => parseJobData('sweep', data);
