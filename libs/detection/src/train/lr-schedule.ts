import type { TrainConfig } from '../config';

/** The fields of TrainConfig that fix the learning rate at every step. */
export type ScheduleConfig = Pick<
  TrainConfig,
  'lr' | 'steps' | 'warmupSteps' | 'warmupFactor' | 'schedule' | 'milestones' | 'decayFactor'
>;

/**
 * Learning rate of the step that follows `completedSteps` completed steps (0-based step index),
 * as detectron2's `WarmupParamScheduler` composes it: the base schedule times a linear warmup.
 *
 * - base: `constant` → lr; `step` → lr · decayFactor^k, k = number of milestones (fractions of
 *   `steps`, RetinaNet §4.1: 60k and 80k of 90k) at or before the step; `cosine` →
 *   lr · ½(1 + cos(π · step / steps)).
 * - warmup: for step < warmupSteps the base is multiplied by
 *   warmupFactor + (1 − warmupFactor) · step / warmupSteps (linear from warmupFactor to 1).
 *
 * The schedule is a pure function of (step, config): a resumed run recomputes it from the
 * configuration it resumes with, so resuming with a larger `steps` stretches the decay over the
 * new total (the lr at the resume step may jump up for `cosine`, or a milestone may move later).
 */
export function learningRateAt(step: number, config: ScheduleConfig): number {
  const total = Math.max(1, config.steps);
  const s = Math.min(Math.max(0, step), total);
  let base = config.lr;
  if (config.schedule === 'step') {
    const passed = config.milestones.filter((m) => s >= Math.round(m * total)).length;
    base = config.lr * config.decayFactor ** passed;
  } else if (config.schedule === 'cosine') {
    base = config.lr * 0.5 * (1 + Math.cos((Math.PI * s) / total));
  }
  if (s < config.warmupSteps) {
    const f = config.warmupFactor + (1 - config.warmupFactor) * (s / config.warmupSteps);
    return base * f;
  }
  return base;
}
