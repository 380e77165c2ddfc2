import { variableGradsAsync, withDeviceErrorScope } from '@ablate/engine';
import * as tf from '@tensorflow/tfjs-core';
import type { Detector } from '../models/detector';
import type { TrainBatch } from '../structures';
import { clipByGlobalNorm } from './grad-clip';
import type { Optimizer } from './optimizers';
import type { WeightEma } from './weight-ema';

/** What one step needs besides the batch. */
export interface StepContext {
  detector: Detector;
  optimizer: Optimizer;
  ema?: WeightEma;
  clipGradNorm?: number;
  /** The run's seed (the detector's sampling generators derive from it and the step). @defaultValue 0 */
  seed?: number;
}

/** Loss values of a step, read back from the device. */
export interface StepResult {
  loss: number;
  /** Every named part of the loss (`cls`, `box`; two-stage also `rpnObj`, `rpnBox`, …). */
  parts: Record<string, number>;
  /** `parts.cls` (the classification loss of the final head), for the existing consumers. */
  classLoss: number;
  /** `parts.box`. */
  boxLoss: number;
  numPositives: number;
  /** False when the loss was NaN or ±∞: then no variable changed. */
  finite: boolean;
}

/**
 * One optimisation step `step` (1-based): the detector's `trainingLoss` (targets, forward in
 * training mode, loss), gradients of the trainable
 * variables, optional clipping by global norm, optimiser update at `lr`, EMA update.
 *
 * Every value it reads back (the loss, its parts, the gradient norm; a two-stage detector's RPN
 * scores inside the loss) is read asynchronously, as a GPU backend requires; on webgpu the step runs
 * inside device error scopes, so a validation or out-of-memory error fails it (`GpuDeviceError`)
 * instead of leaving garbage in the weights.
 *
 * When the loss is not finite nothing is updated: the gradients are dropped and the
 * non-trainable state the forward pass touched (batch-norm moving statistics) is restored from a
 * copy taken before the step. The batch's images stay owned by the caller.
 */
export function trainStep(ctx: StepContext, batch: TrainBatch, lr: number, step = 1): Promise<StepResult> {
  return withDeviceErrorScope(`training step ${step}`, () => takeStep(ctx, batch, lr, step));
}

async function takeStep(ctx: StepContext, batch: TrainBatch, lr: number, step: number): Promise<StepResult> {
  const { detector } = ctx;
  const trainables = detector.trainableVariables();
  const all = detector.allVariables();

  const stateCopy = new Map<string, tf.Tensor>();
  for (const [name, v] of all) if (!trainables.has(name)) stateCopy.set(name, tf.clone(v));

  let partTensors: Record<string, tf.Scalar> = {};
  let numPositives = 0;
  let gradients: { value: tf.Scalar; grads: tf.NamedTensorMap };
  try {
    gradients = await variableGradsAsync(async () => {
      const l = await detector.trainingLoss(batch, { step, seed: ctx.seed ?? 0 });
      partTensors = l.parts;
      for (const t of Object.values(l.parts)) tf.keep(t);
      numPositives = l.numPositives;
      return l.total;
    }, [...trainables.values()]);
  } catch (err) {
    tf.dispose([...stateCopy.values(), ...Object.values(partTensors)]);
    throw err;
  }
  const { value, grads } = gradients;
  const names = Object.keys(partTensors);
  const read = await Promise.all([value, ...names.map((n) => partTensors[n]!)].map((t) => t.data()));
  const loss = read[0]![0]!;
  const parts: Record<string, number> = {};
  names.forEach((name, i) => (parts[name] = read[i + 1]![0]!));
  tf.dispose([value, ...Object.values(partTensors)]);

  const byName = new Map<string, tf.Tensor>();
  for (const [name, v] of trainables) {
    const g = grads[v.name];
    if (g !== undefined) byName.set(name, g);
  }
  const finite = Number.isFinite(loss);
  try {
    if (finite) {
      await update(ctx, trainables, byName, lr);
      ctx.ema?.update(all);
    } else {
      for (const [name, copy] of stateCopy) all.get(name)!.assign(copy);
    }
  } finally {
    tf.dispose(Object.values(grads));
    tf.dispose([...stateCopy.values()]);
  }
  return { loss, parts, classLoss: parts.cls ?? 0, boxLoss: parts.box ?? 0, numPositives, finite };
}

async function update(ctx: StepContext, trainables: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number): Promise<void> {
  if (ctx.clipGradNorm === undefined) {
    ctx.optimizer.apply(trainables, grads, lr);
    return;
  }
  const clipped = await clipByGlobalNorm(grads, ctx.clipGradNorm);
  ctx.optimizer.apply(trainables, clipped.grads, lr);
  tf.dispose([...clipped.grads.values()]);
}
