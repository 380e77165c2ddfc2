import type { EvaluationStorePort, EvaluatorPort } from '../glue/ports';

export interface EvaluateRunContext {
  evaluationId: string;
  runId: string;
  dataset: string;
  /** Checkpoint step; null for the run's latest. */
  step: number | null;
  store: EvaluationStorePort;
  evaluator: EvaluatorPort;
  isUserError(err: unknown): boolean;
  dataRoot: string;
}

/** 'done', or a failure that retrying cannot fix (the evaluation row already says why). */
export type EvaluateRunOutcome = { kind: 'done'; step: number; ap: number } | { kind: 'user-error'; message: string };

/**
 * Evaluates a run's checkpoint on a dataset and fills the evaluation row the API created.
 * A missing checkpoint or a bad dataset fails the evaluation for good; other errors are
 * rethrown for BullMQ to retry.
 */
export async function executeEvaluateRun(ctx: EvaluateRunContext): Promise<EvaluateRunOutcome> {
  const { store } = ctx;
  await store.markEvaluationRunning(ctx.evaluationId);
  const checkpoint = await store.checkpointFor(ctx.runId, ctx.step);
  if (!checkpoint) {
    const message = `run ${ctx.runId} has no checkpoint${ctx.step === null ? '' : ` at step ${ctx.step}`}`;
    await store.failEvaluation(ctx.evaluationId, message);
    return { kind: 'user-error', message };
  }
  try {
    const result = await ctx.evaluator.evaluate(checkpoint.bytes, ctx.dataset, ctx.dataRoot);
    await store.completeEvaluation(ctx.evaluationId, result);
    return { kind: 'done', step: result.step, ap: result.stats['bbox']?.['AP'] ?? -1 };
  } catch (err) {
    if (!ctx.isUserError(err)) throw err;
    const message = err instanceof Error ? err.message : String(err);
    await store.failEvaluation(ctx.evaluationId, message);
    return { kind: 'user-error', message };
  }
}
