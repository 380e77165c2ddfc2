import type { DetectorConfig, TrainConfig } from '../config';
import { resolveInputSize } from '../families/model-defaults';
import { familyOf } from '../families/registry';
import { countDetectorParameters } from './count-parameters';
import { featureDensity } from './feature-density';

const FLOAT_BYTES = 4;

/**
 * Bytes the trainer keeps per float a layer writes in the forward pass: the conv output, the norm
 * and activation outputs beside it and the gradients of the backward pass, as measured peaks of
 * the wasm heap show them. Calibrated per family by `node -r ./scripts/register.js bench/memory-peaks.ts`
 * (3 SGD steps of each config on wasm, synthetic shapes, each in a fresh process; 2026-12-05;
 * MB are MiB here and in every message).
 * Peak heap, and the bytes per feature float it implies after the parameter terms:
 *
 * | config (backbone × width, input, batch)        | heap peak | implied |
 * | ---------------------------------------------- | --------- | ------- |
 * | retinanet r18×0.25, 64 px, b2                  |    33 MB  |  21.8 (heap grows in coarse steps) |
 * | retinanet r18×0.25, 128 px, b4                 |    83 MB  |  38.8   |
 * | retinanet r18×0.5, 128 px, b8                  |   248 MB  |  34.0   |
 * | retinanet r50×0.25, 128 px, b4                 |   207 MB  |  36.4   |
 * | retinanet r18×0.5, 256 px, b4                  |   468 MB  |  37.8   |
 * | retinanet r50 (the paper's, 36.5 M), 256 px, b2 | 1975 MB  |  42.1   |
 * | efficientdet b0×0.5, 128 px, b4                |   207 MB  |  29.4   |
 * | efficientdet b0, 256 px, b2                    |   807 MB  |  33.5   |
 * | faster-rcnn r18×0.25, 128 px, b2               |   172 MB  |  25.3   |
 * | mask-rcnn r18×0.25, 128 px, b2                 |   924 MB  |   7.8   |
 * | rcnn r18×0.25, 128 px, b4 (32 regions of 32²)  |    69 MB  |  20.4   |
 * | keypoint-rcnn r18×0.25, 128 px, b2 (2×32 head, 28² heatmaps; synthetic people) | 207 MB | 14.9 |
 *
 * Each family (its folder under families/) takes about its largest implied value, so the estimate errs high. The two-stage
 * figures rest on one config each and their RoI terms assume every sampled RoI (and a full
 * quarter of foreground masks), which early steps do not reach: treat them as rough.
 */
export function activationBytesPerFeatureFloat(arch: string): number {
  return familyOf(arch).memory.activationBytesPerFeatureFloat;
}

/**
 * Copies of the weights besides the variables, gradients and optimiser slots: XNNPACK packs every
 * convolution's filter into its own layout and keeps it with the operator (calibrated with the above).
 */
export const PACKED_WEIGHT_COPIES = 1;

/** The wasm heap before any model is built (tfjs-backend-wasm 4.22 starts at 16 MiB), measured alike. */
export const RUNTIME_BYTES = 16 * 2 ** 20;

/** Optimiser state per parameter: Adam and AdamW keep two moments, SGD one velocity. */
export function optimizerSlots(optimizer: TrainConfig['optimizer']): number {
  return optimizer === 'sgd' ? 1 : 2;
}

/** A run's estimated peak memory, by part, in bytes. */
export interface MemoryEstimate {
  /** Trainable parameters of the model (counted on the built model). */
  parameters: number;
  inputSize: number;
  batchSize: number;
  bytes: {
    /** The variables and their packed copies. */
    weights: number;
    gradients: number;
    /** Optimiser slots, and the EMA copy when `train.emaDecay` is set. */
    optimizer: number;
    /** Feature maps kept for the backward pass: batch × input area × the family's feature density. */
    activations: number;
    /** The runtime's own heap. */
    runtime: number;
    total: number;
  };
}

/** What the estimate needs of a RunConfig: the detector's parts and the training section. */
export type EstimatedConfig = DetectorConfig & { train: Pick<TrainConfig, 'optimizer' | 'batchSize' | 'emaDecay'> };

/**
 * Estimates the peak memory of training `config`: parameters (counted on the built model) times
 * (weights + packed copies + gradients + optimiser slots + EMA), plus activations from the input
 * size, the batch and the detector's feature maps (`featureDensity`), calibrated per family
 * against measured wasm heap peaks. A budget for admission, not a promise: 1.0–1.25× the measured
 * peaks of the calibration configs (memory-estimate.spec.ts keeps it so).
 */
export async function estimateRunMemory(config: EstimatedConfig): Promise<MemoryEstimate> {
  const parameters = await countDetectorParameters(config);
  return estimateFromParameters(config, parameters);
}

/** {@link estimateRunMemory} with the parameter count given (tests, callers that built the model). */
export function estimateFromParameters(config: EstimatedConfig, parameters: number): MemoryEstimate {
  const inputSize = resolveInputSize(config.model);
  const { batchSize, optimizer, emaDecay } = config.train;
  const parameterBytes = parameters * FLOAT_BYTES;
  const density = featureDensity(config);
  const perFloat = activationBytesPerFeatureFloat(config.model.arch);
  const bytes = {
    weights: parameterBytes * (1 + PACKED_WEIGHT_COPIES),
    gradients: parameterBytes,
    optimizer: parameterBytes * (optimizerSlots(optimizer) + (emaDecay === undefined ? 0 : 1)),
    activations: Math.round(batchSize * (inputSize ** 2 * density.perPixel + density.perImage) * perFloat),
    runtime: RUNTIME_BYTES,
    total: 0,
  };
  bytes.total = bytes.weights + bytes.gradients + bytes.optimizer + bytes.activations + bytes.runtime;
  return { parameters, inputSize, batchSize, bytes };
}
