import { Inject, Injectable } from '@nestjs/common';
import { validateEvaluationRequest } from '@ablate/jobs';
import { ConflictError, evaluationView, Store } from '@ablate/store';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { enqueueOr503 } from '../queue/enqueue-or-503';
import { checkDatasets, keypointArchOf } from '../submit/dataset-checks';
import { QueueService } from '../queue/queue.service';

/** POST /evaluations: evaluate a run's checkpoint on a dataset, as an `evaluate` job. */
@Injectable()
export class EvaluationsService {
  constructor(
    @Inject(Store) private readonly store: Store,
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  async create(body: unknown) {
    const request = validateEvaluationRequest(body);
    const run = await this.store.runs.get(request.runId);
    const steps = await this.store.checkpoints.checkpointSteps(run.id);
    if (steps.length === 0) throw new ConflictError(`run ${run.id} has no checkpoint yet`);
    const step = request.step ?? steps[steps.length - 1];
    if (!steps.includes(step)) throw new ConflictError(`run ${run.id} has no checkpoint at step ${step} (it has ${steps.join(', ')})`);
    const dataset = request.dataset ?? run.config.dataset.val;
    if (request.dataset !== undefined) {
      await checkDatasets([{ field: 'dataset', uri: dataset }], this.config.dataRoot, { field: 'dataset', values: [run.config.model.numClasses] }, keypointArchOf([run.config.model.arch], 'the run\'s model.arch'));
    }
    const { evaluation, created } = await this.store.evaluations.requestEvaluation(run.id, dataset, step);
    if (created) {
      await enqueueOr503(
        () => this.queues.enqueueEvaluation({ evaluationId: evaluation.id, runId: run.id, dataset, step }),
        `evaluation ${evaluation.id} was saved but not queued`,
      );
    }
    return evaluationView(evaluation);
  }

  /** The evaluation with its bbox stats and, for a detector with masks, `segm` (mask AP stats and per-class AP). */
  async get(id: string) {
    const evaluation = await this.store.evaluations.get(id);
    return evaluationView(evaluation, (await this.store.runs.get(evaluation.runId)).categories);
  }
}
