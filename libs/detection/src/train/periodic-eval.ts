import * as tf from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../config';
import type { Detector } from '../models/detector';
import { evaluateDetector, type DetectorEvaluation, type EvalSource } from '../predict/evaluate-detector';
import type { WeightEma } from './weight-ema';

/**
 * Whether the run evaluates after `step` (`train.evalEvery`). Never at `train.steps`: the caller's
 * final evaluation covers that step, and two rows of one step would be one too many.
 */
export function evaluatesAt(step: number, train: Pick<TrainConfig, 'evalEvery' | 'steps'>): boolean {
  return train.evalEvery !== undefined && step % train.evalEvery === 0 && step < train.steps;
}

/**
 * Evaluates the detector as the final evaluation would at this step — with the EMA weights when
 * the run keeps them — and leaves every variable as it was, so training goes on unchanged.
 */
export async function evaluateMidTraining(detector: Detector, ema: WeightEma | undefined, source: EvalSource): Promise<DetectorEvaluation> {
  if (ema === undefined) return evaluateDetector(detector, source);
  const variables = detector.allVariables();
  const trained = new Map([...variables].map(([name, v]) => [name, tf.clone(v)]));
  try {
    ema.copyTo(variables);
    return await evaluateDetector(detector, source);
  } finally {
    for (const [name, t] of trained) {
      variables.get(name)!.assign(t);
      t.dispose();
    }
  }
}
