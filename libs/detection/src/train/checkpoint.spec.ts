import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { TrainConfigSchema } from '../config';
import { DetectorConfigSchema } from '../families';
import { decodeCheckpoint, disposeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint';
import { readCheckpointFile, writeCheckpointFile } from './checkpoint-file';
import { useCpuBackend } from './testing/cpu-backend';

beforeAll(useCpuBackend);

function sample(): Checkpoint {
  return {
    state: {
      detectorConfig: DetectorConfigSchema.parse({}),
      train: TrainConfigSchema.parse({}),
      seed: 3,
      step: 7,
      epoch: 1,
      batchIndex: 2,
      totalSteps: 10,
      lr: 0.005,
      loss: 1.25,
      optimizer: { kind: 'sgd', stepCount: 7 },
    },
    model: new Map([['conv/kernel', tf.tensor2d([[1.1, Math.PI]])]]),
    optimizer: new Map([['momentum/conv/kernel', tf.tensor2d([[1e-30, -0]])]]),
    ema: new Map(),
  };
}

describe('checkpoint bytes', () => {
  it('round-trips tensors bit-exactly and the training state', async () => {
    const c = sample();
    const bytes = await encodeCheckpoint(c);
    const back = await decodeCheckpoint(bytes);
    expect(back.state).toEqual(c.state);
    expect(back.model.get('conv/kernel')!.dataSync()).toEqual(c.model.get('conv/kernel')!.dataSync());
    expect(back.optimizer.get('momentum/conv/kernel')!.dataSync()).toEqual(new Float32Array([1e-30, -0]));
    expect(back.ema.size).toBe(0);
    disposeCheckpoint(back);
    disposeCheckpoint(c);
  });

  it('rejects bytes that are not a checkpoint, or are truncated', async () => {
    const c = sample();
    const bytes = await encodeCheckpoint(c);
    disposeCheckpoint(c);
    await expect(decodeCheckpoint(new TextEncoder().encode('{"weights": []}'))).rejects.toThrow(/bad magic/);
    await expect(decodeCheckpoint(bytes.subarray(0, bytes.length - 3))).rejects.toThrow(/truncated weights/);
  });
});

describe('writeCheckpointFile', () => {
  it('replaces the file atomically and leaves no temporary file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ablate-ckpt-'));
    const file = path.join(dir, 'sub', 'last.ckpt');
    await writeCheckpointFile(file, new Uint8Array([1, 2, 3]));
    await writeCheckpointFile(file, new Uint8Array([4, 5]));
    expect(Array.from(await readCheckpointFile(file))).toEqual([4, 5]);
    expect(Array.from(readFileSync(file))).toEqual([4, 5]);
    expect(readdirSync(path.dirname(file))).toEqual(['last.ckpt']);
  });
});
