import { Inject, Injectable } from '@nestjs/common';
import { RunPatchSchema, type ImageAnnotations, type JsonResponseOf, type ParsedQueryOf, type Routes, type Run } from '@ablate/contract';
import { DatasetCache, DatasetError, findImage, imageGroundTruth, imagePng, imageSummary, type Dataset, type DatasetImage } from '@ablate/data';
import { parseOrThrow, validateRunRequest } from '@ablate/jobs';
import { evaluationView, NotFoundError, Store, type RunEntity } from '@ablate/store';
import { API_CONFIG, type ApiConfig } from '../config/api-config';
import { iso } from '../http/wire';
import { enqueueOr503 } from '../queue/enqueue-or-503';
import { checkDatasets, checkProposalFiles, checkWeightFiles, keypointArchOf } from '../submit/dataset-checks';
import { checkRunMemory } from '../submit/memory-checks';
import { QueueService } from '../queue/queue.service';

/** A run (POST /runs; the base of GET /runs/:id): the contract's Run. */
function runView(r: RunEntity): Run {
  return {
    id: r.id,
    sweepId: r.sweepId,
    name: r.name,
    key: r.key,
    params: r.params,
    seed: r.seed,
    config: r.config,
    status: r.status,
    priority: r.priority,
    attempts: r.attempts,
    worker: r.workerHost ? { host: r.workerHost, pid: r.workerPid } : null,
    backend: r.backend,
    device: r.device,
    step: r.step,
    totalSteps: r.totalSteps,
    loss: r.loss,
    imagesPerSecond: r.imagesPerSecond,
    error: r.error,
    tags: r.tags,
    note: r.note,
    cancelRequestedAt: iso(r.cancelRequestedAt),
    timings: {
      createdAt: iso(r.createdAt),
      startedAt: iso(r.startedAt),
      finishedAt: iso(r.finishedAt),
      updatedAt: iso(r.updatedAt),
      wallSeconds: r.startedAt ? ((r.finishedAt ?? new Date()).getTime() - r.startedAt.getTime()) / 1000 : null,
    },
  };
}

/** Lone runs, run details, checkpoints, detections and the validation images they were made on. */
@Injectable()
export class RunsService {
  private readonly datasets: DatasetCache;

  constructor(
    @Inject(Store) private readonly store: Store,
    @Inject(QueueService) private readonly queues: QueueService,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    this.datasets = new DatasetCache(config.dataRoot);
  }

  async create(body: unknown) {
    const request = validateRunRequest(body);
    const { dataset, model } = request.config;
    await checkDatasets(
      [{ field: 'config.dataset.train', uri: dataset.train }, { field: 'config.dataset.val', uri: dataset.val }],
      this.config.dataRoot,
      { field: 'config.model.numClasses', values: [model.numClasses] },
      keypointArchOf([model.arch], 'config.model.arch'),
    );
    checkWeightFiles([model.backboneWeights], this.config.dataRoot, 'config.model.backboneWeights');
    checkProposalFiles([request.config.proposals?.file], this.config.dataRoot, 'config.proposals.file');
    await checkRunMemory([{ path: 'config', subject: 'the run', config: request.config }], this.config.runMemoryLimitBytes);
    const run = await this.store.runs.createLone({ name: request.name, config: request.config, priority: request.priority });
    await enqueueOr503(() => this.queues.enqueueRun(run), `run ${run.id} was saved but not queued`);
    return runView(run);
  }

  /** A page of runs, newest first, narrowed by sweep, tags and status. */
  async list(query: ParsedQueryOf<Routes['listRuns']>): Promise<Run[]> {
    const { tag, ...rest } = query;
    return (await this.store.runs.list({ ...rest, tags: tag })).map(runView);
  }

  /** Replaces the tags and note the body names (a field it does not know is a 400 naming it). */
  async annotate(id: string, body: unknown): Promise<Run> {
    return runView(await this.store.runs.annotate(id, parseOrThrow(RunPatchSchema, body ?? {}, 'run patch')));
  }

  /** Config, status, attempts, worker, backend, timings, metrics by step, evaluations (the final one in full). */
  async get(id: string) {
    const run = await this.store.runs.get(id);
    const [attempts, metrics, evaluations, finalEvaluation] = await Promise.all([
      this.store.runs.attemptsOf(id),
      this.store.metrics.metricsOf(id),
      this.store.evaluations.listForRun(id),
      this.store.evaluations.finalOf(id),
    ]);
    return {
      ...runView(run),
      attemptHistory: attempts.map((a) => ({
        attempt: a.attempt,
        status: a.status,
        worker: { host: a.workerHost, pid: a.workerPid },
        backend: a.backend,
        device: a.device,
        startStep: a.startStep,
        endStep: a.endStep,
        error: a.error,
        startedAt: a.startedAt,
        endedAt: a.endedAt,
      })),
      metrics,
      evaluations: evaluations.map((e) => evaluationView(e, run.categories)),
      finalEvaluation: finalEvaluation && evaluationView(finalEvaluation, run.categories),
      categories: run.categories,
      reproducibility: run.reproducibility,
    };
  }

  /** Cancels one run: removed from the queue if it has not started, else stopped by its worker at the next step. */
  async cancel(id: string) {
    const outcome = await this.store.runs.requestCancel(id);
    const removedJobs = outcome.cancelled ? await this.queues.removeTrainJobs([id]) : 0;
    if (outcome.stopping) await this.queues.announceCancel([id]);
    return { run: runView(outcome.run), cancelled: outcome.cancelled, stopping: outcome.stopping, removedJobs };
  }

  /** The newest checkpoint, or the one of `step`, as a chunked read (never whole in memory). */
  async checkpoint(id: string, step: number | undefined) {
    await this.store.runs.get(id);
    const ckpt = await this.store.checkpoints.openCheckpoint(id, step);
    if (!ckpt) throw new NotFoundError('checkpoint of run', step === undefined ? id : `${id} at step ${step}`);
    return ckpt;
  }

  /** The final evaluation's detections (COCO results format). */
  async detections(id: string) {
    const detections = await this.store.evaluations.detectionsOf(id);
    if (detections === null) throw new NotFoundError('detections of run', id);
    return detections;
  }

  /** The stored checkpoints (older ones are pruned as training goes on). */
  async checkpoints(id: string): Promise<JsonResponseOf<Routes['runCheckpoints']>> {
    await this.store.runs.get(id);
    return (await this.store.checkpoints.listCheckpoints(id)).map((c) => ({ step: c.step, bytes: c.bytes, createdAt: iso(c.createdAt) }));
  }

  /** A page of the final evaluation's images, each with its counts of ground-truth boxes and detections. */
  async images(id: string, page: { limit: number; offset: number }): Promise<JsonResponseOf<Routes['runImages']>> {
    const { evaluation, dataset } = await this.finalDataset(id);
    const counts = (await this.store.evaluations.detectionCountsOf(id)) ?? new Map<number, number>();
    const images = dataset.images.slice(page.offset, page.offset + page.limit).map((img) => ({ ...imageSummary(img), detections: counts.get(img.id) ?? 0 }));
    return { evaluationId: evaluation.id, dataset: evaluation.dataset, step: evaluation.step, total: dataset.images.length, ...page, images };
  }

  /** One image of the final evaluation as PNG bytes. */
  async imagePng(id: string, imageId: number): Promise<Buffer> {
    const { evaluation, image } = await this.finalImage(id, imageId);
    return readable(evaluation.dataset, id, () => imagePng(image));
  }

  /** One image's ground truth and the final evaluation's detections on it. */
  async imageAnnotations(id: string, imageId: number): Promise<ImageAnnotations> {
    const { dataset, image } = await this.finalImage(id, imageId);
    const detections = (await this.store.evaluations.detectionsOnImage(id, imageId)) ?? [];
    return { image: { ...imageSummary(image), detections: detections.length }, groundTruth: imageGroundTruth(dataset, image), detections };
  }

  private async finalImage(id: string, imageId: number): Promise<{ evaluation: { dataset: string }; dataset: Dataset; image: DatasetImage }> {
    const { evaluation, dataset } = await this.finalDataset(id);
    const image = findImage(dataset, imageId);
    if (!image) throw new NotFoundError('image', `${imageId} of dataset ${evaluation.dataset}`);
    return { evaluation, dataset, image };
  }

  /** The run's final evaluation and its dataset, read under the data root only (loadDataset refuses any path out of it). */
  private async finalDataset(id: string) {
    const evaluation = await this.store.evaluations.finalOf(id);
    if (!evaluation) throw new NotFoundError('final evaluation of run', id);
    const dataset = await readable(evaluation.dataset, id, () => this.datasets.get(evaluation.dataset));
    return { evaluation, dataset };
  }
}

/**
 * `read()`, with a dataset the API cannot read under its data root (moved, deleted, outside it)
 * answered as a 404 saying why, not a 500: the run's images are not there to serve.
 */
async function readable<T>(uri: string, runId: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof DatasetError) throw new NotFoundError(`readable dataset ${uri} of run`, `${runId} (${err.message})`);
    throw err;
  }
}
