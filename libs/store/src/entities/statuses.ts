/**
 * Run lifecycle: queued → running → completed | failed | diverged | cancelled, or `stopped`: ended
 * early at a rung by ASHA (a sweep's earlyStopping), which a later promotion may queue again.
 * A retried run goes running → queued (its attempt recorded as failed) → running again.
 */
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'diverged', 'cancelled', 'stopped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses a run never leaves: a sweep is done when all its runs are in one of these. */
export const ENDED_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'diverged', 'cancelled', 'stopped'];
export type EndedRunStatus = 'completed' | 'failed' | 'diverged' | 'cancelled' | 'stopped';

/**
 * queued → running (first run started) → when every run has ended: completed (none failed),
 * completed_with_failures (some failed or diverged), failed (none completed); or, after a cancel
 * request, cancelling → cancelled.
 */
export const SWEEP_STATUSES = ['queued', 'running', 'completed', 'completed_with_failures', 'failed', 'cancelling', 'cancelled'] as const;
export type SweepStatus = (typeof SWEEP_STATUSES)[number];

/** Statuses a sweep never leaves. */
export const ENDED_SWEEP_STATUSES: readonly SweepStatus[] = ['completed', 'completed_with_failures', 'failed', 'cancelled'];

/** An attempt is `running` until it ends; `failed` attempts of a run that is retried are followed by another. */
export const ATTEMPT_STATUSES = ['running', 'completed', 'failed', 'diverged', 'cancelled'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

export const EVALUATION_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

/** Kinds of artifacts a run keeps. */
export const ARTIFACT_KINDS = ['checkpoint'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number] | (string & {});
