import { Inject, Injectable } from '@nestjs/common';
import { parseOrThrow, plannedModels, planSweep, sweepPlan, ValidationError, type PlannedRun, type SweepSpec } from '@ablate/jobs';
import { SweepPatchSchema, type ParsedQueryOf, type Routes, type SweepCancel, type SweepDetail, type SweepPlan, type SweepSummary } from '@ablate/contract';
import { Store, type SweepEntity } from '@ablate/store';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { enqueueOr503 } from '../queue/enqueue-or-503';
import { checkDatasets, checkProposalFiles, checkWeightFiles, keypointArchOf } from '../submit/dataset-checks';
import { checkRunMemory, gridPointConfigs } from '../submit/memory-checks';
import { QueueService } from '../queue/queue.service';
import { StepCostsService } from './step-costs.service';
import { sweepDetail, sweepSummary } from './sweep-views';

/** Sweeps whose runs still move: their progress is worth an ETA. */
const LIVE_STATUSES: ReadonlySet<string> = new Set(['queued', 'running', 'cancelling']);

/** Sweeps: validate → write (one transaction) → enqueue (one flow); read; cancel. */
@Injectable()
export class SweepsService {
  constructor(
    @Inject(Store) private readonly store: Store,
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(StepCostsService) private readonly stepCosts: StepCostsService,
  ) {}

  /**
   * Creates a sweep. With an Idempotency-Key seen before, returns the first sweep and enqueues
   * nothing new (unless the first request died before enqueueing, which this completes).
   */
  async create(body: unknown, idempotencyKey: string | undefined): Promise<{ created: boolean; sweep: SweepDetail }> {
    if (idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 255)) {
      throw new ValidationError([{ path: 'headers.idempotency-key', message: 'must be 1 to 255 characters' }]);
    }
    const { spec, runs } = await this.validated(body);
    const result = await this.store.sweeps.createWithRuns({ spec, runs, idempotencyKey: idempotencyKey ?? null });
    if (result.created || result.sweep.enqueuedAt === null) {
      await enqueueOr503(
        () => this.queues.enqueueSweep(result.sweep, result.runs),
        `sweep ${result.sweep.id} was saved but not queued; resubmit with the same Idempotency-Key to queue it`,
      );
      await this.store.sweeps.markEnqueued(result.sweep.id);
    }
    // The same answer as GET /sweeps/:id (a repeat with the key sees the sweep as it is now).
    return { created: result.created, sweep: sweepDetail(result.sweep, await this.store.sweeps.progress(result.sweep.id), result.runs) };
  }

  /**
   * A dry run: the sweep validated and checked as `create` does, then planned — its runs, total
   * steps and cost from training steps timed per distinct model (StepCostsService). Writes no row
   * and adds no job.
   */
  async plan(body: unknown): Promise<SweepPlan> {
    const { spec, runs } = await this.validated(body);
    return sweepPlan(spec, runs, await this.stepCosts.costsOf(plannedModels(runs)));
  }

  /** The spec and its runs, after every check a submission gets (400 naming each bad field). */
  private async validated(body: unknown): Promise<{ spec: SweepSpec; runs: PlannedRun[] }> {
    const { spec, runs } = planSweep(body, { maxRuns: this.config.maxRunsPerSweep });
    await checkDatasets(
      [{ field: 'dataset.train', uri: spec.dataset.train }, { field: 'dataset.val', uri: spec.dataset.val }],
      this.config.dataRoot,
      { field: 'model.numClasses', values: [...new Set(runs.map((r) => r.config.model.numClasses))] },
      keypointArchOf(new Set(runs.map((r) => r.config.model.arch)), 'model.arch'),
    );
    checkWeightFiles(runs.map((r) => r.config.model.backboneWeights), this.config.dataRoot);
    checkProposalFiles(runs.map((r) => r.config.proposals?.file), this.config.dataRoot);
    await checkRunMemory(gridPointConfigs(runs, spec.search === undefined ? 'grid' : 'space'), this.config.runMemoryLimitBytes);
    return { spec, runs };
  }

  /**
   * Newest first, each with its run counts by status and its progress: the live sweeps' from
   * their runs' steps, with an ETA (a query each; few sweeps are live), the others' from counts.
   */
  async list(query: ParsedQueryOf<Routes['listSweeps']>): Promise<SweepSummary[]> {
    const { tag, ...rest } = query;
    return this.summaries(await this.store.sweeps.list({ ...rest, tags: tag }));
  }

  /** Replaces the tags and note the body names (a field it does not know is a 400 naming it). */
  async annotate(id: string, body: unknown): Promise<SweepSummary> {
    const patch = parseOrThrow(SweepPatchSchema, body ?? {}, 'sweep patch');
    const [summary] = await this.summaries([await this.store.sweeps.annotate(id, patch)]);
    return summary!;
  }

  private async summaries(sweeps: SweepEntity[]): Promise<SweepSummary[]> {
    const counts = await this.store.sweeps.statusCounts(sweeps.map((s) => s.id));
    const live = sweeps.filter((s) => LIVE_STATUSES.has(s.status));
    const progress = new Map(await Promise.all(live.map(async (s) => [s.id, await this.store.sweeps.progress(s.id)] as const)));
    return sweeps.map((s) => sweepSummary(s, counts.get(s.id)!, progress.get(s.id)));
  }

  async get(id: string): Promise<SweepDetail> {
    const sweep = await this.store.sweeps.get(id);
    const [progress, runs] = await Promise.all([this.store.sweeps.progress(id), this.store.sweeps.runsOf(id)]);
    return sweepDetail(sweep, progress, runs);
  }

  /**
   * Cancels: queued runs are marked cancelled and their jobs removed; running runs are flagged
   * and announced to the workers, which stop them at their next step (then mark them cancelled).
   * An ended sweep is a 409 (ConflictError from the store): its status stays what its runs earned.
   */
  async cancel(id: string): Promise<SweepCancel> {
    const outcome = await this.store.sweeps.requestCancel(id);
    const removedJobs = await this.queues.removeTrainJobs(outcome.cancelledRunIds);
    await this.queues.announceCancel(outcome.stoppingRunIds);
    const counts = await this.store.sweeps.statusCounts([id]);
    return {
      sweep: sweepSummary(outcome.sweep, counts.get(id)!),
      cancelledRuns: outcome.cancelledRunIds.length,
      stoppingRuns: outcome.stoppingRunIds.length,
      removedJobs,
    };
  }
}
