import * as tf from '@tensorflow/tfjs-core';
import type { DetectorConfig, TrainConfig } from '../config';
import type { OptimizerKind } from './optimizers';

/** Magic of the checkpoint byte format ("ABLCKPT" + format version 1). */
const MAGIC = new Uint8Array([0x41, 0x42, 0x4c, 0x43, 0x4b, 0x50, 0x54, 0x01]);
/** `ModelArtifacts.format` of an Ablate checkpoint. */
export const CHECKPOINT_FORMAT = 'ablate-checkpoint';

/** A checkpoint that cannot be read or does not fit the model it is loaded into. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/**
 * Everything besides tensors that a resumed run needs, stored as the artifacts'
 * `userDefinedMetadata.training`.
 */
export interface TrainingState {
  /** The detector's configuration, so `predict` can rebuild the model from the checkpoint alone. */
  detectorConfig: DetectorConfig;
  /** The training configuration the checkpoint was written under (informative; resume takes the new one). */
  train: TrainConfig;
  seed: number;
  /** Completed optimisation steps. */
  step: number;
  /** Data order: the next batch is batch `batchIndex` of epoch `epoch` (TrainDataSource.batches). */
  epoch: number;
  batchIndex: number;
  /** Schedule position: total steps the schedule was computed for, and the lr of the last step. */
  totalSteps: number;
  lr: number;
  optimizer: { kind: OptimizerKind; stepCount: number };
  ema?: { decay: number; updates: number };
  /** Loss of the last completed step. */
  loss: number;
}

/**
 * A decoded checkpoint. Tensor names: `model/<variable>` (every variable, batch-norm statistics
 * included), `optimizer/<slot>/<variable>`, `ema/<variable>`. The holder disposes the tensors.
 */
export interface Checkpoint {
  state: TrainingState;
  model: Map<string, tf.Tensor>;
  optimizer: Map<string, tf.Tensor>;
  ema: Map<string, tf.Tensor>;
}

/**
 * Serialises a checkpoint to one byte array through a TensorFlow.js save handler
 * (`tf.io.withSaveHandler`): the ModelArtifacts' weightSpecs and userDefinedMetadata as JSON,
 * then weightData. Layout: 8 magic bytes, u32 LE length of the JSON, UTF-8 JSON, weight bytes.
 * Float32 tensors are stored bit-exact, so a resumed run continues on identical numbers.
 */
export async function encodeCheckpoint(checkpoint: Checkpoint): Promise<Uint8Array> {
  const named: tf.NamedTensorMap = {};
  for (const [k, t] of checkpoint.model) named[`model/${k}`] = t;
  for (const [k, t] of checkpoint.optimizer) named[`optimizer/${k}`] = t;
  for (const [k, t] of checkpoint.ema) named[`ema/${k}`] = t;
  const { data, specs } = await tf.io.encodeWeights(named);
  let bytes: Uint8Array | undefined;
  const handler = tf.io.withSaveHandler(async (artifacts) => {
    bytes = packArtifacts(artifacts);
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
  await handler.save!({
    format: CHECKPOINT_FORMAT,
    generatedBy: '@ablate/detection',
    modelTopology: {},
    weightSpecs: specs,
    weightData: data,
    userDefinedMetadata: { training: checkpoint.state as unknown as object },
  });
  return bytes!;
}

/** Reads bytes from `encodeCheckpoint` back through `tf.io.fromMemory`. Throws CheckpointError. */
export async function decodeCheckpoint(bytes: Uint8Array): Promise<Checkpoint> {
  const artifacts = await tf.io.fromMemory(unpackArtifacts(bytes)).load!();
  const state = artifacts.userDefinedMetadata?.training as TrainingState | undefined;
  if (artifacts.format !== CHECKPOINT_FORMAT || state === undefined || typeof state.step !== 'number') {
    throw new CheckpointError('checkpoint: not an Ablate checkpoint (no training state)');
  }
  const tensors = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), artifacts.weightSpecs ?? []);
  const checkpoint: Checkpoint = { state, model: new Map(), optimizer: new Map(), ema: new Map() };
  for (const [name, t] of Object.entries(tensors)) {
    const slash = name.indexOf('/');
    const group = name.slice(0, slash);
    const key = name.slice(slash + 1);
    if (group === 'model') checkpoint.model.set(key, t);
    else if (group === 'optimizer') checkpoint.optimizer.set(key, t);
    else if (group === 'ema') checkpoint.ema.set(key, t);
    else throw new CheckpointError(`checkpoint: unknown tensor group in "${name}"`);
  }
  return checkpoint;
}

/** Disposes every tensor of a decoded checkpoint. */
export function disposeCheckpoint(checkpoint: Checkpoint): void {
  for (const group of [checkpoint.model, checkpoint.optimizer, checkpoint.ema]) {
    for (const t of group.values()) t.dispose();
  }
}

/**
 * Assigns `tensors` to `variables` by name; every variable must be present with its shape,
 * otherwise CheckpointError names the first that is missing or mismatched.
 */
export function assignVariables(variables: Map<string, tf.Variable>, tensors: Map<string, tf.Tensor>): void {
  for (const [name, v] of variables) {
    const t = tensors.get(name);
    if (t === undefined) throw new CheckpointError(`checkpoint: no tensor for variable "${name}"`);
    if (t.shape.join('x') !== v.shape.join('x')) {
      throw new CheckpointError(`checkpoint: variable "${name}" has shape [${v.shape}] but the checkpoint has [${t.shape}]`);
    }
  }
  for (const [name, v] of variables) v.assign(tensors.get(name)!);
}

function packArtifacts(artifacts: tf.io.ModelArtifacts): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      weightSpecs: artifacts.weightSpecs,
      userDefinedMetadata: artifacts.userDefinedMetadata,
    }),
  );
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
  const out = new Uint8Array(MAGIC.length + 4 + header.length + weights.length);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, header.length, true);
  out.set(header, MAGIC.length + 4);
  out.set(weights, MAGIC.length + 4 + header.length);
  return out;
}

function unpackArtifacts(bytes: Uint8Array): tf.io.ModelArtifacts {
  if (bytes.length < MAGIC.length + 4 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new CheckpointError('checkpoint: not an Ablate checkpoint (bad magic bytes)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4;
  if (start + headerLength > bytes.length) throw new CheckpointError('checkpoint: truncated header');
  let header: tf.io.ModelArtifacts;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + headerLength)));
  } catch {
    throw new CheckpointError('checkpoint: corrupt header (not JSON)');
  }
  const weights = bytes.slice(start + headerLength);
  const expected = (header.weightSpecs ?? []).reduce((n, s) => n + byteSize(s), 0);
  if (weights.length !== expected) {
    throw new CheckpointError(`checkpoint: truncated weights (${weights.length} bytes, expected ${expected})`);
  }
  return { ...header, weightData: weights.buffer };
}

function byteSize(spec: tf.io.WeightsManifestEntry): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  return n * (spec.dtype === 'bool' ? 1 : 4);
}
