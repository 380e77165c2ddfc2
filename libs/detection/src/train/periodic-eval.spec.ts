import * as tf from '@tensorflow/tfjs-core';
import { TrainConfigSchema, type TrainConfig } from '../config';
import { squaresEvalSet } from '../models/two-stage/testing/tiny-two-stage';
import { evaluateDetector, type DetectorEvaluation, type EvalSource } from '../predict/evaluate-detector';
import { assignVariables, decodeCheckpoint, disposeCheckpoint } from './checkpoint';
import { evaluatesAt } from './periodic-eval';
import { trainDetector } from './trainer';
import { useCpuBackend } from './testing/cpu-backend';
import { squaresSource } from './testing/squares-source';
import { buildTinyDetector } from './testing/tiny-detector';

beforeAll(useCpuBackend);

const config = (over: Partial<TrainConfig> = {}): TrainConfig =>
  TrainConfigSchema.parse({ optimizer: 'adam', lr: 0.01, steps: 8, warmupSteps: 2, checkpointEvery: 4, ...over });

/** 8 held-out squares as one batch; iterable any number of times, as the trainer needs. */
function evalSource(): EvalSource {
  const set = squaresEvalSet(7, 8, 32, 2);
  return {
    groundTruth: set.groundTruth,
    categoryIds: [1, 2],
    batches: {
      async *[Symbol.asyncIterator]() {
        yield set.batch();
      },
    },
  };
}

/** Trains a fresh tiny detector with evaluation hooks; returns what each hook saw and the final weights. */
async function run(train: TrainConfig, opts: { resumeFrom?: Uint8Array; stopAt?: number } = {}) {
  const detector = buildTinyDetector({}, 0);
  const losses: number[] = [];
  const evaluations = new Map<number, DetectorEvaluation>();
  const checkpoints = new Map<number, Uint8Array>();
  const order: string[] = [];
  let last = 0;
  const result = await trainDetector({
    detector,
    source: squaresSource({ seed: 1, size: 32, batchSize: 4, batchesPerEpoch: 3, numClasses: 2 }),
    train,
    seed: 0,
    resumeFrom: opts.resumeFrom,
    evalSource: evalSource(),
    hooks: {
      onProgress: (p) => {
        losses.push(p.loss);
        last = p.step;
      },
      onEvaluation: (step, evaluation) => {
        evaluations.set(step, evaluation);
        order.push(`eval ${step}`);
      },
      onCheckpoint: (bytes, step) => {
        checkpoints.set(step, bytes);
        order.push(`ckpt ${step}`);
      },
      shouldStop: () => opts.stopAt !== undefined && last >= opts.stopAt,
    },
  });
  const weights = [...detector.allVariables().values()].map((v) => Array.from(v.dataSync()));
  detector.dispose();
  return { result, losses, evaluations, checkpoints, order, weights };
}

describe('evaluatesAt', () => {
  it('is every evalEvery steps before the last, never without evalEvery', () => {
    const steps = (train: Pick<TrainConfig, 'evalEvery' | 'steps'>) => Array.from({ length: train.steps }, (_, i) => i + 1).filter((s) => evaluatesAt(s, train));
    expect(steps({ steps: 10, evalEvery: 3 })).toEqual([3, 6, 9]);
    // The last step's evaluation is the final one, not a second row of step 9.
    expect(steps({ steps: 9, evalEvery: 3 })).toEqual([3, 6]);
    expect(steps({ steps: 9, evalEvery: 1 })).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(steps({ steps: 9, evalEvery: 20 })).toEqual([]);
    expect(steps({ steps: 9, evalEvery: undefined })).toEqual([]);
  });
});

describe('trainDetector with train.evalEvery', () => {
  it('calls onEvaluation at every multiple but the last, before that step\'s checkpoint, with COCO stats', async () => {
    const { result, evaluations, order } = await run(config({ evalEvery: 2 }));
    expect(result).toMatchObject({ status: 'completed', step: 8 });
    expect([...evaluations.keys()]).toEqual([2, 4, 6]);
    // Evaluated before checkpointed: a crash between the two re-reaches the step from an earlier checkpoint.
    expect(order).toEqual(['eval 2', 'eval 4', 'ckpt 4', 'eval 6', 'ckpt 8']);
    for (const e of evaluations.values()) {
      expect(Object.keys(e.coco.stats)).toHaveLength(12);
      expect(e.coco.stats.AP).toBeGreaterThanOrEqual(0);
      expect(e.segm).toBeUndefined();
    }
  });

  it('changes no loss or weight: the same seed trains the same with and without it (EMA weights swapped in and out)', async () => {
    const train = { emaDecay: 0.9, optimizer: 'adamw' as const, weightDecay: 0.01 };
    const without = await run(config(train));
    const withEval = await run(config({ ...train, evalEvery: 1 }));
    expect(withEval.evaluations.size).toBe(7);
    expect(withEval.losses).toEqual(without.losses);
    expect(withEval.weights).toEqual(without.weights);
  });

  it('evaluates the EMA weights when train.emaDecay is set, as the final evaluation does', async () => {
    const { evaluations, checkpoints } = await run(config({ steps: 30, evalEvery: 15, checkpointEvery: 15, emaDecay: 0.9 }));
    const evaluateWith = async (weights: 'ema' | 'model') => {
      const ckpt = await decodeCheckpoint(checkpoints.get(15)!);
      const detector = buildTinyDetector({}, 0);
      try {
        assignVariables(detector.allVariables(), weights === 'ema' ? ckpt.ema : ckpt.model);
        return await evaluateDetector(detector, evalSource());
      } finally {
        detector.dispose();
        disposeCheckpoint(ckpt);
      }
    };
    const [ema, model] = [await evaluateWith('ema'), await evaluateWith('model')];
    // Trained enough to detect something, so the two sets of weights give different detections.
    expect(ema.detections.length).toBeGreaterThan(0);
    expect(model.detections).not.toEqual(ema.detections);
    expect(evaluations.get(15)!.detections).toEqual(ema.detections);
  });

  it('resumes onto the evaluations of an uninterrupted run, stopping included', async () => {
    const stopped = await run(config({ evalEvery: 3 }), { stopAt: 3 });
    expect(stopped.result).toMatchObject({ status: 'stopped', step: 3 });
    expect([...stopped.evaluations.keys()]).toEqual([3]);
    const resumed = await run(config({ evalEvery: 3 }), { resumeFrom: stopped.checkpoints.get(3) });
    expect([...resumed.evaluations.keys()]).toEqual([6]);
    const full = await run(config({ evalEvery: 3 }));
    expect(resumed.evaluations.get(6)!.coco.stats).toEqual(full.evaluations.get(6)!.coco.stats);
  });

  it('leaves no tensor behind', async () => {
    const detector = buildTinyDetector({}, 0);
    const before = tf.memory().numTensors;
    let evaluated = 0;
    await trainDetector({
      detector,
      source: squaresSource({ seed: 1, size: 32, batchSize: 4, batchesPerEpoch: 3, numClasses: 2 }),
      train: config({ steps: 4, evalEvery: 1, emaDecay: 0.99 }),
      seed: 0,
      evalSource: evalSource(),
      hooks: { onEvaluation: () => void (evaluated += 1) },
    });
    expect(evaluated).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
    detector.dispose();
  });
});
