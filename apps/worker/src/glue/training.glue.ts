import { BackendOutOfMemoryError, DatasetError, ExperimentError, loadDataset, predictFromCheckpoint, runTraining, toCocoGroundTruth } from '@ablate/data';
import { CocoInputError, RunMemoryError, scoreDetections, type DetectorEvaluation, type IouTypeScore, type ScoresByIouType } from '@ablate/detection';
import { ValidationError } from '@ablate/jobs';
import type { EvaluationRecord, EvaluatorPort, TrainingPort } from './ports';
import { prCurvesOf } from './pr-curves';

/**
 * User errors: retrying cannot fix a bad dataset (or ground truth without what an iou type needs:
 * keypoints for a Keypoint R-CNN), a config that does not fit it or the backend's memory, or a bad payload.
 */
const USER_ERRORS = new Set([
  DatasetError.name,
  ExperimentError.name,
  ValidationError.name,
  RunMemoryError.name,
  CocoInputError.name,
  'DatasetError',
  'ExperimentError',
  'ValidationError',
  'RunMemoryError',
  'CocoInputError',
]);

/** Time for the failure to be recorded and reported before a retiring sandboxed child exits. */
const RETIRE_AFTER_MS = 3000;

/**
 * A WebAssembly module that aborted cannot run another kernel: a sandboxed child whose backend
 * died exits once the run's failure has been recorded, and BullMQ starts a fresh child for the
 * next job. (`ablate train` exits anyway.)
 */
function retireThisProcess(): void {
  if (process.send === undefined) return;
  setTimeout(() => process.exit(1), RETIRE_AFTER_MS);
}

/** Training, evaluation and their errors, from @ablate/data's `runTraining`. */
export function createTrainingPort(): TrainingPort {
  return {
    isUserError: (err) => err instanceof DatasetError || err instanceof ExperimentError || (err instanceof Error && USER_ERRORS.has(err.name)),
    async run(config, { hooks, resumeFrom, dataRoot, onCategories }) {
      const recordOf = (step: number, evaluation: DetectorEvaluation) => evaluationRecord(config.dataset.val, step, evaluation);
      const { result, evaluation } = await runTraining(config, {
        hooks: { ...hooks, onEvaluation: (step, e) => hooks.onEvaluation(recordOf(step, e)) },
        resumeFrom,
        dataRoot,
        onCategories: onCategories && ((categories) => onCategories(categories.map(({ id, name }) => ({ id, name })))),
      }).catch((err: unknown) => {
        if (err instanceof BackendOutOfMemoryError) retireThisProcess();
        throw err;
      });
      return {
        status: result.status,
        step: result.step,
        finalLoss: result.finalLoss,
        evaluation: evaluation && recordOf(result.step, evaluation),
      };
    },
  };
}

/** The store's record of an evaluation of the run's validation split at `step`. */
function evaluationRecord(dataset: string, step: number, evaluation: DetectorEvaluation): EvaluationRecord {
  return {
    dataset,
    step,
    ...statsRecord({ bbox: evaluation.coco, segm: evaluation.segm, keypoints: evaluation.keypoints }),
    prCurves: prCurvesOf(evaluation.coco),
    detections: evaluation.detections,
  };
}

/** The stats and per-class AP of an evaluation record by iou type: bbox, segm for a detector with masks, keypoints for one with keypoints. */
function statsRecord(scores: ScoresByIouType): Pick<EvaluationRecord, 'stats' | 'perClass'> {
  const byType = Object.entries(scores).filter((e): e is [string, IouTypeScore] => e[1] !== undefined);
  return {
    stats: Object.fromEntries(byType.map(([t, r]) => [t, { ...r.stats }])),
    perClass: Object.fromEntries(byType.map(([t, r]) => [t, r.perCategory])),
  };
}

/**
 * Checkpoint evaluation: predictions from @ablate/data, scored by @ablate/detection's COCO
 * evaluator by each iou type of the detector's family — bbox, segm for masks, keypoints for
 * keypoints (the dataset's masks and keypoints as GT).
 */
export function createEvaluatorPort(): EvaluatorPort {
  return {
    async evaluate(checkpoint, dataset, dataRoot) {
      const { detections, step, iouTypes } = await predictFromCheckpoint(checkpoint, dataset, { dataRoot });
      const groundTruth = toCocoGroundTruth(await loadDataset(dataset, { dataRoot }));
      const scores = scoreDetections(groundTruth, detections, iouTypes);
      return { step, ...statsRecord(scores), prCurves: prCurvesOf(scores.bbox), detections };
    },
  };
}
