import { StoredDetectorConfigSchema } from '../families';
import { buildDetector } from '../models/build-detector';
import type { Detector } from '../models/detector';
import { assignVariables, CheckpointError, decodeCheckpoint, disposeCheckpoint, type TrainingState } from '../train/checkpoint';

/** Options of {@link detectorFromCheckpoint}. */
export interface FromCheckpointOptions {
  /**
   * Which weights to load: 'ema' takes the EMA of the weights when the checkpoint has one (what
   * training evaluates with), else the raw weights; 'model' always the raw weights. @defaultValue 'ema'
   */
  weights?: 'ema' | 'model';
}

/**
 * Rebuilds the detector a checkpoint was written by (its DetectorConfig is in the checkpoint) and
 * loads its weights, batch-norm statistics included. The caller disposes the detector.
 * @throws CheckpointError for bytes that are not a checkpoint or do not fit the model.
 */
export async function detectorFromCheckpoint(
  bytes: Uint8Array,
  options: FromCheckpointOptions = {},
): Promise<{ detector: Detector; state: TrainingState }> {
  const ckpt = await decodeCheckpoint(bytes);
  let detector: Detector | undefined;
  try {
    const config = StoredDetectorConfigSchema.safeParse(ckpt.state.detectorConfig);
    if (!config.success) throw new CheckpointError('checkpoint: its detector config does not validate');
    // The checkpoint holds every weight: the backbone file the run started from is not read again.
    detector = buildDetector(config.data, { seed: ckpt.state.seed, loadBackboneWeights: false });
    const useEma = (options.weights ?? 'ema') === 'ema' && ckpt.ema.size > 0;
    assignVariables(detector.allVariables(), useEma ? ckpt.ema : ckpt.model);
    return { detector, state: ckpt.state };
  } catch (err) {
    detector?.dispose();
    throw err;
  } finally {
    disposeCheckpoint(ckpt);
  }
}
