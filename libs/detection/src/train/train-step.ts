import * as tf from '@tensorflow/tfjs-core';
import type { LossConfig } from '../config';
import type { Detector } from '../models/detector';
import type { TrainBatch } from '../structures';
import { detectionLoss } from './detection-loss';
import { clipByGlobalNorm } from './grad-clip';
import type { Optimizer } from './optimizers';
import { buildTargets, type TargetOptions } from './targets';
import type { WeightEma } from './weight-ema';

/** What one step needs besides the batch. */
export interface StepContext {
  detector: Detector;
  optimizer: Optimizer;
  ema?: WeightEma;
  loss: LossConfig;
  clipGradNorm?: number;
  targets?: TargetOptions;
}

/** Loss values of a step, read back from the device. */
export interface StepResult {
  loss: number;
  classLoss: number;
  boxLoss: number;
  numPositives: number;
  /** False when the loss was NaN or ±∞: then no variable changed. */
  finite: boolean;
}

/**
 * One optimisation step: targets, forward in training mode, loss, gradients of the trainable
 * variables, optional clipping by global norm, optimiser update at `lr`, EMA update.
 *
 * When the loss is not finite nothing is updated: the gradients are dropped and the
 * non-trainable state the forward pass touched (batch-norm moving statistics) is restored from a
 * copy taken before the step. The batch's images stay owned by the caller.
 */
export function trainStep(ctx: StepContext, batch: TrainBatch, lr: number): StepResult {
  const { detector } = ctx;
  const trainables = detector.trainableVariables();
  const all = detector.allVariables();
  const targets = buildTargets(detector.anchors, batch.gtBoxes, batch.gtLabels, detector.config.model.numClasses, ctx.targets);

  const stateCopy = new Map<string, tf.Tensor>();
  for (const [name, v] of all) if (!trainables.has(name)) stateCopy.set(name, tf.clone(v));

  let parts: tf.Scalar[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const outputs = detector.apply(batch.images, true);
    const l = detectionLoss(outputs, targets, ctx.loss);
    parts = [tf.keep(l.classLoss), tf.keep(l.boxLoss)];
    return l.total;
  }, [...trainables.values()]);
  const [loss, classLoss, boxLoss] = [value, ...parts].map((t) => t.dataSync()[0]);
  tf.dispose([value, ...parts]);

  const byName = new Map<string, tf.Tensor>();
  for (const [name, v] of trainables) {
    const g = grads[v.name];
    if (g !== undefined) byName.set(name, g);
  }
  const finite = Number.isFinite(loss);
  if (finite) {
    update(ctx, trainables, byName, lr);
    ctx.ema?.update(all);
  } else {
    for (const [name, copy] of stateCopy) all.get(name)!.assign(copy);
  }
  tf.dispose(Object.values(grads));
  tf.dispose([...stateCopy.values()]);
  return { loss, classLoss, boxLoss, numPositives: targets.numPositives, finite };
}

function update(ctx: StepContext, trainables: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number): void {
  if (ctx.clipGradNorm === undefined) {
    ctx.optimizer.apply(trainables, grads, lr);
    return;
  }
  const clipped = clipByGlobalNorm(grads, ctx.clipGradNorm);
  ctx.optimizer.apply(trainables, clipped.grads, lr);
  tf.dispose([...clipped.grads.values()]);
}
