import * as tf from '@tensorflow/tfjs-core';
import type { TrainBatch } from '@ablate/detection';
import type { PreparedSample } from './prepare-sample';

/** A batch before it becomes a tensor: prefetched batches hold no tensor, so none can leak. */
export interface HostBatch {
  /** `[B, S, S, 3]` row-major, normalised. */
  pixels: Float32Array;
  samples: PreparedSample[];
  inputSize: number;
}

/** Turns a host batch into a TrainBatch; the tensor is created here and owned by the consumer. */
export function toTrainBatch(batch: HostBatch): TrainBatch {
  const { pixels, samples, inputSize: s } = batch;
  const out: TrainBatch = {
    images: tf.tensor4d(pixels, [samples.length, s, s, 3], 'float32'),
    gtBoxes: samples.map((x) => x.gtBoxes),
    gtLabels: samples.map((x) => x.gtLabels),
    meta: samples.map((x) => x.meta),
  };
  if (samples.length > 0 && samples.every((x) => x.gtMasks !== undefined)) out.gtMasks = samples.map((x) => x.gtMasks!);
  if (samples.length > 0 && samples.every((x) => x.gtKeypoints !== undefined)) out.gtKeypoints = samples.map((x) => x.gtKeypoints!);
  return out;
}
