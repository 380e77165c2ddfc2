import {
  assertFitsBackend,
  buildDetector,
  evaluateDetector,
  familyOf,
  trainDetector,
  type DetectorEvaluation,
  type RunConfig,
  type TrainHooks,
  type TrainResult,
} from '@ablate/detection';
import { initBackend } from '@ablate/engine';
import { datasetKeypointCount, type Dataset, type DatasetCategory } from '../dataset/dataset';
import { createTrainSource } from '../pipeline/train-source';
import { loadDataset } from '../uri/load-dataset';
import { resolveProposalsPath } from '../uri/proposals-path';
import { resolveWeightsPath } from '../uri/weights-path';
import { evalSourceOf } from './eval-source';
import { failClearlyOnBackendAbort } from './backend-abort';
import { ExperimentError } from './experiment-error';

/** Options of {@link runTraining}. */
export interface RunTrainingOptions {
  hooks?: TrainHooks;
  /** A checkpoint (from `hooks.onCheckpoint`) to resume from. */
  resumeFrom?: Uint8Array;
  /** Root of dataset files (see loadDataset). @defaultValue ABLATE_DATA_ROOT or `<cwd>/data` */
  dataRoot?: string;
  /**
   * Evaluate on `dataset.val` when training completes, and every `train.evalEvery` steps before
   * (delivered to `hooks.onEvaluation`); false skips both. @defaultValue true
   */
  evaluate?: boolean;
  /** Batch size of evaluation. @defaultValue train.batchSize */
  evalBatchSize?: number;
  /**
   * Worker threads that decode, augment and rasterise batches off the trainer's thread. With a
   * core to spare (a lone `ablate train`) one thread cuts the trainer's wait for data from 10–28 %
   * to 1–6 % of its time (docs/notes/benchmarks-history.md, Data); a sweep worker, one process per core, has
   * none to spare. @defaultValue 0 (the trainer's thread, overlapped by prefetch)
   */
  dataWorkers?: number;
  /** Called once the datasets are loaded and the model is built (before the first step). */
  onReady?(info: { trainImages: number; valImages: number; parameters: number; inputSize: number }): void;
  /** Called with the training set's category table once it is loaded; training waits for it (the worker stores it). */
  onCategories?(categories: DatasetCategory[]): Promise<void>;
}

/** What a run produced: the trainer's result and, when it completed, the validation evaluation. */
export interface RunTrainingResult {
  result: TrainResult;
  evaluation?: DetectorEvaluation;
}

/**
 * The whole of a training run, shared by `ablate train` and the worker so neither repeats the
 * glue: picks the backend (`initBackend`), loads `dataset.train` and `dataset.val`, builds the
 * detector from `model`, `anchors`, `loss` with `seed`, trains (`trainDetector`, resuming from
 * `resumeFrom`), and when the run completes evaluates on the validation split (the 12 COCO stats,
 * per-class AP, PR arrays; for Mask R-CNN the segm stats too, `evaluation.segm`); with
 * `train.evalEvery` the same evaluation of the steps before reaches `hooks.onEvaluation`. The
 * detector is disposed before returning.
 *
 * @throws DatasetError for a dataset the URIs cannot give; ExperimentError ('model.numClasses')
 *   when the model's classes do not match the training set's; RunMemoryError when the run's
 *   estimated memory exceeds the backend's limit (checked before the datasets are loaded).
 */
export async function runTraining(config: RunConfig, options: RunTrainingOptions = {}): Promise<RunTrainingResult> {
  return failClearlyOnBackendAbort(() => trainAndEvaluate(config, options));
}

async function trainAndEvaluate(config: RunConfig, options: RunTrainingOptions): Promise<RunTrainingResult> {
  const { backend } = await initBackend();
  // A run that cannot fit this backend fails now, by its estimate, not by an abort minutes in.
  await assertFitsBackend(config, backend);
  const [train, val] = await Promise.all([
    loadDataset(config.dataset.train, { dataRoot: options.dataRoot }),
    loadDataset(config.dataset.val, { dataRoot: options.dataRoot }),
  ]);
  checkClasses(config, train, val);
  await options.onCategories?.(train.categories);
  const detector = buildDetector(confineFiles(config, options.dataRoot), { seed: config.seed });
  try {
    const inputSize = detector.inputSize;
    const source = createTrainSource(train, {
      inputSize,
      batchSize: config.train.batchSize,
      seed: config.seed,
      augment: config.train.augment,
      workers: options.dataWorkers ?? 0,
      // Mask R-CNN trains on instance masks (a DatasetError when the training set has none).
      masks: familyOf(config.model.arch).targets.masks,
      // A keypoint head trains on keypoints (a DatasetError when the categories name none).
      keypoints: familyOf(config.model.arch).targets.keypoints,
    });
    options.onReady?.({
      trainImages: train.images.length,
      valImages: val.images.length,
      parameters: countParameters(detector.trainableVariables()),
      inputSize,
    });
    // One source for every evaluation of the run: its batches are a fresh pass each time they are iterated.
    const evalSource = options.evaluate === false ? undefined : evalSourceOf(val, { inputSize, batchSize: options.evalBatchSize ?? config.train.batchSize });
    const result = await trainDetector({
      detector,
      source,
      train: config.train,
      seed: config.seed,
      resumeFrom: options.resumeFrom,
      hooks: options.hooks,
      evalSource,
    }).finally(() => source.close());
    if (result.status !== 'completed' || evalSource === undefined) return { result };
    return { result, evaluation: await evaluateDetector(detector, evalSource) };
  } finally {
    detector.dispose();
  }
}

function checkClasses(config: RunConfig, train: Dataset, val: Dataset): void {
  const n = train.categories.length;
  if (config.model.numClasses !== n) {
    throw new ExperimentError(
      'model.numClasses',
      `is ${config.model.numClasses}, but the training set ${config.dataset.train} has ${n} categories`,
    );
  }
  const ids = (d: Dataset) => d.categories.map((c) => c.id).join(',');
  if (ids(train) !== ids(val)) {
    throw new ExperimentError('dataset.val', `has categories [${ids(val)}], the training set [${ids(train)}]`);
  }
  // A keypoint head predicts K heatmaps: K must be the dataset's (a dataset naming none is the train source's DatasetError).
  const k = datasetKeypointCount(train);
  if (config.keypoints !== undefined && k > 0 && config.keypoints.numKeypoints !== k) {
    throw new ExperimentError('keypoints.numKeypoints', `is ${config.keypoints.numKeypoints}, but the training set ${config.dataset.train} has ${k} keypoints an instance`);
  }
}

function countParameters(variables: Map<string, { size: number }>): number {
  let n = 0;
  for (const v of variables.values()) n += v.size;
  return n;
}

/**
 * The config with the files it names resolved under their roots (never a file outside them):
 * `model.backboneWeights` under the weights root, R-CNN's `proposals.file` under the data root.
 */
function confineFiles(config: RunConfig, dataRoot: string | undefined): RunConfig {
  const { model, proposals } = config;
  return {
    ...config,
    model: model.backboneWeights === undefined ? model : { ...model, backboneWeights: resolveWeightsPath(model.backboneWeights, { dataRoot }) },
    ...(proposals?.file === undefined ? {} : { proposals: { ...proposals, file: resolveProposalsPath(proposals.file, { dataRoot }) } }),
  };
}
