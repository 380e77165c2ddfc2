import * as tf from '@tensorflow/tfjs-core';
import { TrainConfigSchema, type DetectorConfig } from '../../config';
import { evaluateDetector } from '../../predict/evaluate-detector';
import { detectorFromCheckpoint } from '../../predict/from-checkpoint';
import { trainDetector } from '../../train/trainer';
import type { TrainProgress } from '../../train/trainer-types';
import { squaresSource } from '../../train/testing/squares-source';
import { buildDetector } from '../build-detector';
import type { Detector } from '../detector';
import { useTestBackend } from '../testing/tiny-configs';
import { FasterRcnn } from './faster-rcnn';
import { squaresEvalSet, tinyFasterRcnn } from './testing/tiny-two-stage';

beforeAll(useTestBackend);

const SIZE = 64;
const source = () => squaresSource({ seed: 3, size: SIZE, batchSize: 4, batchesPerEpoch: 1000, numClasses: 2 });
const evalSet = squaresEvalSet(99, 24, SIZE, 2);

async function ap50(detector: Detector): Promise<number> {
  async function* batches() {
    yield evalSet.batch();
  }
  const { coco } = await evaluateDetector(detector, { groundTruth: evalSet.groundTruth, categoryIds: [1, 2], batches: batches() });
  return coco.stats.AP50;
}

async function train(detector: Detector, steps: number, hooks: { resumeFrom?: Uint8Array; stopAt?: number } = {}) {
  const losses = new Map<number, TrainProgress>();
  const tensors = new Map<number, number>();
  const checkpoints = new Map<number, Uint8Array>();
  let last = 0;
  const result = await trainDetector({
    detector,
    source: source(),
    train: TrainConfigSchema.parse({ optimizer: 'adamw', lr: 3e-3, weightDecay: 1e-4, steps, warmupSteps: 10, warmupFactor: 0.1, checkpointEvery: 1 }),
    seed: 5,
    resumeFrom: hooks.resumeFrom,
    hooks: {
      onProgress: (p) => {
        losses.set(p.step, p);
        tensors.set(p.step, tf.memory().numTensors);
        last = p.step;
      },
      onCheckpoint: (bytes, step) => {
        checkpoints.set(step, bytes);
      },
      shouldStop: () => hooks.stopAt !== undefined && last >= hooks.stopAt,
    },
  });
  return { losses, tensors, checkpoints, result };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean total loss of steps a..b. */
const meanLoss = (losses: Map<number, TrainProgress>, a: number, b: number) =>
  mean([...losses.values()].filter((p) => p.step >= a && p.step <= b).map((p) => p.loss));

describe('FasterRcnn', () => {
  it('builds from the config: RPN outputs over every anchor, shared or not', () => {
    for (const rpn of [{ features: 'fpn' as const }, { features: 'c4' as const }, { features: 'fpn' as const, shared: false }]) {
      const d = buildDetector(tinyFasterRcnn({ rpn }), { seed: 1 });
      expect(d).toBeInstanceOf(FasterRcnn);
      const images = tf.zeros([2, SIZE, SIZE, 3]) as tf.Tensor4D;
      const before = tf.memory().numTensors;
      const out = d.apply(images, false);
      const A = d.anchors.length / 4;
      expect(out.classLogits.shape).toEqual([2, A, 1]);
      expect(out.boxDeltas.shape).toEqual([2, A, 4]);
      tf.dispose([out.classLogits, out.boxDeltas]);
      expect(tf.memory().numTensors).toBe(before);
      const names = [...d.trainableVariables().keys()];
      expect(names.some((n) => n.startsWith('rpnBackbone.'))).toBe(rpn.shared === false);
      expect(names).toEqual(expect.arrayContaining(['rpn.conv.weight', 'roiHeads.predictor.cls.weight', 'roiHeads.box.fc2.weight']));
      images.dispose();
      d.dispose();
    }
  });

  it('4conv1fc box head: four GN convs and one fc (GN paper Table 5)', () => {
    const d = buildDetector(tinyFasterRcnn({ roi: { boxHead: '4conv1fc' } }), { seed: 1 });
    const names = [...d.trainableVariables().keys()].filter((n) => n.startsWith('roiHeads.box.'));
    expect(names).toEqual(expect.arrayContaining(['roiHeads.box.conv4.weight', 'roiHeads.box.conv4.norm.weight', 'roiHeads.box.fc1.weight']));
    expect(names.some((n) => n.includes('fc2'))).toBe(false);
    d.dispose();
  });

  it('trainingLoss reports the RPN and box-head parts and leaves no tensor', () => {
    const d = buildDetector(tinyFasterRcnn(), { seed: 1 });
    const it = source().batches(0)[Symbol.asyncIterator]();
    return it.next().then(async ({ value: batch }) => {
      const before = tf.memory().numTensors;
      const l = await d.trainingLoss(batch, { step: 1, seed: 0 });
      expect(Object.keys(l.parts).sort()).toEqual(['box', 'cls', 'rpnBox', 'rpnObj']);
      // GT boxes are appended to the proposals, so every image has foreground RoIs.
      expect(l.numPositives).toBeGreaterThanOrEqual(4);
      // Untrained: softmax over 3 classes ≈ ln 3; objectness ≈ ln 2 · sampled / (64 · B).
      expect(l.parts.cls.dataSync()[0]).toBeCloseTo(Math.log(3), 1);
      const sum = l.parts.cls.dataSync()[0] + l.parts.box.dataSync()[0] + l.parts.rpnObj.dataSync()[0] + l.parts.rpnBox.dataSync()[0];
      expect(l.total.dataSync()[0]).toBeCloseTo(sum, 5);
      tf.dispose([l.total, ...Object.values(l.parts)]);
      expect(tf.memory().numTensors).toBe(before);
      batch.images.dispose();
      d.dispose();
    });
  });

  it('detect: at most 100 boxes per image inside the input, scores > 0.05, descending', async () => {
    const d = buildDetector(tinyFasterRcnn(), { seed: 1 });
    const b = evalSet.batch();
    const before = tf.memory().numTensors;
    const dets = await d.detect(b.images, { scoreThreshold: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(dets).toHaveLength(24);
    for (const det of dets) {
      expect(det.scores.length).toBeLessThanOrEqual(100);
      expect(det.scores.length).toBeGreaterThan(0);
      for (let i = 1; i < det.scores.length; i++) expect(det.scores[i]).toBeLessThanOrEqual(det.scores[i - 1]);
      expect(det.boxes.every((v) => v >= 0 && v <= SIZE)).toBe(true);
      expect(det.classes.every((c) => c === 0 || c === 1)).toBe(true);
    }
    b.images.dispose();
    d.dispose();
  });

  // One arm proves learning end to end (80 steps, AP50); the other pooler/feature choices, which
  // share every other part, are checked for a falling loss over a short run (CI time: a two-stage
  // step is ~6× a one-stage one on this CPU).
  it('fpn + align: trains on squares, the loss falls and AP50 rises far above untrained, no tensor leaks', async () => {
    const d = buildDetector(tinyFasterRcnn({ rpn: { features: 'fpn' }, roi: { pooler: 'align' } }), { seed: 2 });
    const untrained = await ap50(d);
    const { losses, tensors } = await train(d, 80);
    // Per step nothing is left behind (the first step's one-off kernel constants aside).
    expect(tensors.get(80)).toBe(tensors.get(2));
    const loss = (a: number, b: number) => meanLoss(losses, a, b);
    expect(loss(71, 80)).toBeLessThan(0.6 * loss(1, 10));
    const p = losses.get(80)!;
    expect(Object.keys(p.parts).sort()).toEqual(['box', 'cls', 'rpnBox', 'rpnObj']);
    expect(p.classLoss).toBe(p.parts.cls);
    const trained = await ap50(d);
    console.log(`fpn + align: loss ${loss(1, 10).toFixed(3)} → ${loss(71, 80).toFixed(3)}, AP50 ${untrained.toFixed(3)} → ${trained.toFixed(3)}`);
    expect(trained).toBeGreaterThan(0.5);
    expect(trained).toBeGreaterThan(untrained + 0.3);
    d.dispose();
  }, 300_000);

  const shortArms: [string, Partial<DetectorConfig['rpn']>, Partial<DetectorConfig['roi']>][] = [
    ['fpn + pool', { features: 'fpn' }, { pooler: 'pool' }],
    ['c4 + align', { features: 'c4' }, { pooler: 'align' }],
    ['c4 + pool', { features: 'c4' }, { pooler: 'pool' }],
  ];
  it.each(shortArms)('%s: the loss falls over a short run, no tensor leaks', async (name, rpn, roi) => {
    const d = buildDetector(tinyFasterRcnn({ rpn, roi }), { seed: 2 });
    const { losses, tensors } = await train(d, 24);
    expect(tensors.get(24)).toBe(tensors.get(2));
    const first = meanLoss(losses, 1, 4);
    const last = meanLoss(losses, 21, 24);
    console.log(`${name}: loss ${first.toFixed(3)} → ${last.toFixed(3)} in 24 steps`);
    expect(last).toBeLessThan(0.8 * first);
    d.dispose();
  }, 300_000);

  it('resumes from a checkpoint onto exactly the losses of an uninterrupted run', async () => {
    const config = tinyFasterRcnn();
    const full = buildDetector(config, { seed: 4 });
    const a = await train(full, 6);
    const stopped = buildDetector(config, { seed: 4 });
    const s = await train(stopped, 6, { stopAt: 3 });
    expect(s.result).toMatchObject({ status: 'stopped', step: 3 });
    const resumed = buildDetector(config, { seed: 4 });
    const r = await train(resumed, 6, { resumeFrom: s.checkpoints.get(3) });
    expect([...r.losses.keys()]).toEqual([4, 5, 6]);
    for (const step of [4, 5, 6]) expect(r.losses.get(step)!.parts).toEqual(a.losses.get(step)!.parts);
    // The checkpoint rebuilds the same two-stage detector for prediction.
    const { detector } = await detectorFromCheckpoint(a.checkpoints.get(6)!, { weights: 'model' });
    expect(detector).toBeInstanceOf(FasterRcnn);
    expect(await ap50(detector)).toBeCloseTo(await ap50(full), 9);
    for (const d of [full, stopped, resumed, detector]) d.dispose();
  }, 120_000);
});
