import { z } from 'zod';

/**
 * ASHA, asynchronous successive halving (Li et al. 2018, "A System for Massively Parallel
 * Hyperparameter Tuning", Algorithm 2), as a sweep's `earlyStopping`. Every run trains to the
 * first rung (`minSteps`) and is evaluated; a run is promoted to the next rung (η× the steps,
 * continuing from its checkpoint with the schedule extended) when it is in the top 1/η of the
 * runs that reached its rung, else it stops there. Decisions are taken as results arrive, with
 * no central driver: each is one transaction in PostgreSQL (@ablate/store), computed here.
 */

export const EarlyStoppingSchema = z
  .object({
    /** What ranks the runs at a rung: a bbox stat (`AP`) or another iou type's (`segm.AP`), of the rung's evaluation on the val split. */
    metric: z.string().regex(/^([a-z]+\.)?[A-Za-z][A-Za-z0-9]*$/, 'must be a stat such as AP, AP50 or segm.AP').default('AP'),
    /** Whether a higher metric is better. @defaultValue 'max' */
    mode: z.enum(['max', 'min']).default('max'),
    /** Steps of the first rung (ASHA's r). */
    minSteps: z.number().int().min(1).max(10_000_000),
    /** Steps of the last rung (ASHA's R); every rung below is minSteps · η^k. */
    maxSteps: z.number().int().min(1).max(10_000_000),
    /** η: the fraction 1/η of a rung goes on. 3 in the paper's experiments. @defaultValue 3 */
    reductionFactor: z.number().int().min(2).max(16).default(3),
  })
  .strict()
  .refine((e) => e.maxSteps > e.minSteps, { message: 'must be more than minSteps (one rung is no early stopping)', path: ['maxSteps'] });

export type EarlyStopping = z.output<typeof EarlyStoppingSchema>;

/** The steps of each rung: minSteps · η^k below maxSteps, then maxSteps. */
export function ashaRungs(e: Pick<EarlyStopping, 'minSteps' | 'maxSteps' | 'reductionFactor'>): number[] {
  const rungs: number[] = [];
  for (let steps = e.minSteps; steps < e.maxSteps; steps *= e.reductionFactor) rungs.push(steps);
  rungs.push(e.maxSteps);
  return rungs;
}

/** A run's metric at a rung, in the order the results arrived. */
export interface RungResult {
  runId: string;
  rung: number;
  value: number;
}

/** A promotion from `rung` to `rung + 1`. */
export interface Promotion {
  runId: string;
  rung: number;
}

/**
 * The promotions ASHA makes given every result recorded so far and the promotions already made:
 * what repeated calls of the paper's `get_job` return before it would start a new configuration.
 * From the highest rung below the top down, the top ⌊n_k / η⌋ runs of rung k (n_k results there)
 * that were not promoted from it yet; best first, ties to the earlier result.
 */
export function ashaPromotions(results: readonly RungResult[], promoted: readonly Promotion[], rungCount: number, eta: number, mode: 'max' | 'min'): Promotion[] {
  const done = new Set(promoted.map((p) => `${p.runId}\0${p.rung}`));
  const out: Promotion[] = [];
  for (let k = rungCount - 2; k >= 0; k--) {
    const atRung = results.map((r, order) => ({ ...r, order })).filter((r) => r.rung === k);
    const better = (a: { value: number; order: number }, b: { value: number; order: number }) => (mode === 'max' ? b.value - a.value : a.value - b.value) || a.order - b.order;
    const top = atRung.sort(better).slice(0, Math.floor(atRung.length / eta));
    for (const r of top) if (!done.has(`${r.runId}\0${k}`)) out.push({ runId: r.runId, rung: k });
  }
  return out;
}

/** A rung's evaluation metric from the stats of an evaluation record by iou type (`segm.AP` → stats.segm.AP). */
export function rungMetric(stats: Record<string, Record<string, number>>, metric: string): number | undefined {
  const [iouType, name] = metric.includes('.') ? (metric.split('.', 2) as [string, string]) : ['bbox', metric];
  const value = stats[iouType]?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The train job of a run at a rung: the run's id at the first, a job of its own at each later one (a job id is used once). */
export function trainJobId(runId: string, rung = 0): string {
  return rung === 0 ? runId : `${runId}-rung${rung}`;
}
