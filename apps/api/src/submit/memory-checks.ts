import { assertFitsMemory, estimateRunMemory, RUN_MEMORY_LIMIT_VARIABLE, RunMemoryError, type RunConfig } from '@ablate/detection';
import { ValidationError, type FieldIssue, type PlannedRun } from '@ablate/jobs';

/** Where the limit comes from, as the message names it. */
const LIMIT_NAME = `${RUN_MEMORY_LIMIT_VARIABLE}; the default is what a CPU worker’s wasm heap holds`;

/** A config of a request to check, the field to name and how the message calls it. */
export interface NamedConfig {
  path: string;
  subject: string;
  config: RunConfig;
}

/**
 * Refuses at submit the runs that cannot fit in memory (the paper-default RetinaNet at 512 px
 * once aborted its worker's wasm heap after 32 s): each config's estimate (libs/detection
 * `estimateRunMemory`) against `limitBytes`.
 *
 * @throws ValidationError (400) naming each run or grid point with its estimate, the limit and the knobs.
 */
export async function checkRunMemory(configs: NamedConfig[], limitBytes: number): Promise<void> {
  const issues: FieldIssue[] = [];
  for (const { path, subject, config } of configs) {
    try {
      assertFitsMemory(await estimateRunMemory(config), limitBytes, subject, LIMIT_NAME);
    } catch (err) {
      if (!(err instanceof RunMemoryError)) throw err;
      issues.push({ path, message: err.message });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues, 'config');
}

/**
 * A sweep's grid points (or sampled configurations), one config each (the seed changes no
 * memory): named by their varied values (`grid point model.inputSize=512`) at `field` (`grid`,
 * or `space` for a random or sobol sweep), or `base` for a sweep without a grid.
 */
export function gridPointConfigs(runs: PlannedRun[], field: 'grid' | 'space' = 'grid'): NamedConfig[] {
  const points = new Map<string, NamedConfig>();
  for (const run of runs) {
    const values = Object.entries(run.params).map(([path, value]) => `${path}=${JSON.stringify(value)}`);
    const point = values.join(', ');
    if (points.has(point)) continue;
    points.set(point, values.length === 0
      ? { path: 'base', subject: 'the sweep’s config', config: run.config }
      : { path: field, subject: `${field === 'grid' ? 'grid point' : 'configuration'} ${point}`, config: run.config });
  }
  return [...points.values()];
}
