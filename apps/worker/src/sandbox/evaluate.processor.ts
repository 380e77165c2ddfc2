import { UnrecoverableError, type SandboxedJob } from 'bullmq';
import { parseEvaluatePayload } from '../glue/jobs.glue';
import { childContext } from './child-context';
import { executeEvaluateRun } from './evaluate-run';

/** What an `evaluate` job returns. */
export interface EvaluateJobResult {
  evaluationId: string;
  step: number;
  ap: number;
}

/**
 * The sandboxed processor of the `evaluate` queue: a checkpoint evaluated on a dataset, in a child
 * process like training (prediction is CPU-bound). A missing checkpoint or a bad dataset fails
 * without retry (UnrecoverableError); other errors are retried.
 */
export default async function processEvaluateJob(job: SandboxedJob<unknown, EvaluateJobResult>): Promise<EvaluateJobResult> {
  const ctx = await childContext();
  let payload;
  try {
    payload = parseEvaluatePayload(job.data);
  } catch (err) {
    throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
  }
  await ctx.backend.init();
  const outcome = await executeEvaluateRun({
    ...payload,
    store: ctx.store,
    evaluator: ctx.evaluator,
    isUserError: ctx.training.isUserError,
    dataRoot: ctx.config.dataRoot,
  });
  if (outcome.kind === 'user-error') throw new UnrecoverableError(outcome.message);
  return { evaluationId: payload.evaluationId, step: outcome.step, ap: outcome.ap };
}
