import { Injectable } from '@nestjs/common';
import { measureTrainStepSeconds, type RunConfig, type StepCostMeasurement } from '@ablate/detection';
import type { MeasuredCost, PlannedModel } from '@ablate/jobs';

/** Distinct models remembered; the oldest goes first beyond this (a sweep rarely has more than a few). */
const MAX_REMEMBERED = 256;

/**
 * Measured training-step costs for dry runs, cached in this API process's memory by
 * `stepCostKey` (the config's model, anchors, family sections, batch size and input size): a
 * model is timed once per process, and a focal-loss sweep over γ and α is one model. Nothing is
 * stored: a restarted API measures again, on whatever backend it then runs.
 */
@Injectable()
export class StepCostsService {
  private readonly measured = new Map<string, Promise<StepCostMeasurement>>();

  /** Each model's cost, timed now or found in the cache (`cached`); one after another, as tfjs runs one kernel at a time. */
  async costsOf(models: PlannedModel[]): Promise<Map<string, MeasuredCost>> {
    const costs = new Map<string, MeasuredCost>();
    for (const model of models) costs.set(model.key, await this.costOf(model.key, model.config));
    return costs;
  }

  private async costOf(key: string, config: RunConfig): Promise<MeasuredCost> {
    const known = this.measured.get(key);
    if (known !== undefined) return { ...(await known), cached: true };
    const pending = measureTrainStepSeconds(config);
    this.remember(key, pending);
    try {
      return { ...(await pending), cached: false };
    } catch (err) {
      // A model that failed to time (a bug, not a user error: its config was validated) is timed again next time.
      this.measured.delete(key);
      throw err;
    }
  }

  private remember(key: string, pending: Promise<StepCostMeasurement>): void {
    if (this.measured.size >= MAX_REMEMBERED) this.measured.delete(this.measured.keys().next().value as string);
    this.measured.set(key, pending);
  }
}
