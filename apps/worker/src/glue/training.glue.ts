import { BackendOutOfMemoryError, DatasetError, ExperimentError, loadDataset, predictFromCheckpoint, runTraining, toCocoGroundTruth } from '@ablate/data';
import { evaluateCoco, evaluateCocoSegm, RunMemoryError, type CocoEvalResult, type CocoSegmDetection } from '@ablate/detection';
import { ValidationError } from '@ablate/jobs';
import type { EvaluationRecord, EvaluatorPort, TrainingPort } from './ports';
import { prCurvesOf } from './pr-curves';

/** User errors: retrying cannot fix a bad dataset, a config that does not fit it or the backend's memory, or a bad payload. */
const USER_ERRORS = new Set([DatasetError.name, ExperimentError.name, ValidationError.name, RunMemoryError.name, 'DatasetError', 'ExperimentError', 'ValidationError', 'RunMemoryError']);

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
    async run(config, { hooks, resumeFrom, dataRoot }) {
      const { result, evaluation } = await runTraining(config, { hooks, resumeFrom, dataRoot }).catch((err: unknown) => {
        if (err instanceof BackendOutOfMemoryError) retireThisProcess();
        throw err;
      });
      return {
        status: result.status,
        step: result.step,
        finalLoss: result.finalLoss,
        evaluation: evaluation && {
          dataset: config.dataset.val,
          step: result.step,
          stats: { ...evaluation.coco.stats },
          perClass: evaluation.coco.perCategory,
          prCurves: prCurvesOf(evaluation.coco),
          detections: evaluation.detections,
          ...segmRecord(evaluation.segm),
        },
      };
    },
  };
}

/** The mask AP part of an evaluation record, when there is one. */
function segmRecord(segm: CocoEvalResult | undefined): { segm?: NonNullable<EvaluationRecord['segm']> } {
  return segm === undefined ? {} : { segm: { stats: { ...segm.stats }, perClass: segm.perCategory } };
}

/**
 * Checkpoint evaluation: predictions from @ablate/data, scored by @ablate/detection's COCO
 * evaluator — bbox, and segm too when the detector predicts masks (the dataset's masks as GT).
 */
export function createEvaluatorPort(): EvaluatorPort {
  return {
    async evaluate(checkpoint, dataset, dataRoot) {
      const { detections, step, masks } = await predictFromCheckpoint(checkpoint, dataset, { dataRoot });
      const groundTruth = toCocoGroundTruth(await loadDataset(dataset, { dataRoot }));
      const coco = evaluateCoco(groundTruth, detections);
      const segm = masks ? evaluateCocoSegm(groundTruth, detections as CocoSegmDetection[]) : undefined;
      return { step, stats: { ...coco.stats }, perClass: coco.perCategory, prCurves: prCurvesOf(coco), detections, ...segmRecord(segm) };
    },
  };
}
