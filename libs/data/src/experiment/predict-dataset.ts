import { detectorFromCheckpoint, familyOf, predictAll, type CocoDetection, type IouType, type PredictOptions } from '@ablate/detection';
import { initBackend } from '@ablate/engine';
import { loadDataset } from '../uri/load-dataset';
import { evalSourceOf } from './eval-source';

/** Options of {@link predictFromCheckpoint}. */
export interface PredictFromCheckpointOptions {
  dataRoot?: string;
  /** @defaultValue 8 */
  batchSize?: number;
  /** Decode options (RetinaNet defaults). */
  predict?: PredictOptions;
  /** @defaultValue 'ema' when the checkpoint has EMA weights */
  weights?: 'ema' | 'model';
}

/**
 * Runs a checkpoint's detector over every image of the dataset `uri` and returns COCO results
 * entries (original pixels, the dataset's category ids; masks and keypoints when the detector
 * predicts them): `ablate predict`, and the worker's evaluate job, which scores them by each of
 * `iouTypes` (the detector family's: `scoreDetections`) against `toCocoGroundTruth`.
 */
export async function predictFromCheckpoint(
  checkpoint: Uint8Array,
  uri: string,
  options: PredictFromCheckpointOptions = {},
): Promise<{ detections: CocoDetection[]; step: number; iouTypes: readonly IouType[] }> {
  await initBackend();
  const { detector, state } = await detectorFromCheckpoint(checkpoint, { weights: options.weights });
  try {
    const dataset = await loadDataset(uri, { dataRoot: options.dataRoot });
    const source = evalSourceOf(dataset, { inputSize: detector.inputSize, batchSize: options.batchSize ?? 8 });
    const detections = await predictAll(detector, source.batches, { categoryIds: source.categoryIds, ...options.predict });
    return { detections, step: state.step, iouTypes: familyOf(detector.config.model.arch).iouTypes };
  } finally {
    detector.dispose();
  }
}
