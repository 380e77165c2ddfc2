import { variableGradsAsync } from '@ablate/engine';
import * as tf from '@tensorflow/tfjs-core';
import { TrainConfigSchema, type DetectorConfig } from '../../config';
import { hasMasks } from '../../masks/mask-detections';
import { rleDecode } from '../../masks/rle';
import { rleFromString } from '../../masks/rle-string';
import { detectorFromCheckpoint } from '../../predict/from-checkpoint';
import { evaluateDetector } from '../../predict/evaluate-detector';
import { predict } from '../../predict/predict';
import { trainDetector } from '../../train/trainer';
import type { TrainProgress } from '../../train/trainer-types';
import { useTestBackend } from '../testing/tiny-configs';
import { buildDetector } from '../build-detector';
import { MaskRcnn, MissingMasksError } from './mask-rcnn';
import { maskedShapesEvalSet, maskedShapesSource, tinyMaskRcnn } from './mask-testing';

beforeAll(useTestBackend);

const SIZE = 64;
const source = () => maskedShapesSource({ seed: 3, size: SIZE, batchSize: 4, batchesPerEpoch: 1000 });
const evalSet = maskedShapesEvalSet(99, 24, SIZE);

function build(config: DetectorConfig, seed: number): MaskRcnn {
  const d = buildDetector(config, { seed });
  expect(d).toBeInstanceOf(MaskRcnn);
  return d as MaskRcnn;
}

async function firstBatch() {
  const it = source().batches(0)[Symbol.asyncIterator]();
  return (await it.next()).value!;
}

async function evaluate(d: MaskRcnn) {
  async function* batches() {
    yield evalSet.batch();
  }
  return evaluateDetector(d, { groundTruth: evalSet.groundTruth, categoryIds: [1, 2], batches: batches() });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('MaskRcnn', () => {
  it('adds the mask head (roiHeads.mask.*) and a `mask` loss part to the joint loss, leaving no tensor', async () => {
    const d = build(tinyMaskRcnn(), 1);
    const names = [...d.trainableVariables().keys()];
    expect(names).toEqual(expect.arrayContaining(['roiHeads.mask.conv.0.weight', 'roiHeads.mask.deconv.weight', 'roiHeads.mask.predictor.weight']));
    const batch = await firstBatch();
    // A first call creates one-off kernel constants; leaks are measured on the second.
    const warm = await d.trainingLoss(batch, { step: 1, seed: 0 });
    tf.dispose([warm.total, ...Object.values(warm.parts)]);
    const before = tf.memory().numTensors;
    const l = await d.trainingLoss(batch, { step: 1, seed: 0 });
    expect(Object.keys(l.parts).sort()).toEqual(['box', 'cls', 'mask', 'rpnBox', 'rpnObj']);
    // Untrained, the mask logits are ≈ 0 (σ = 0.001 predictor): BCE ≈ ln 2.
    expect(l.parts.mask!.dataSync()[0]).toBeCloseTo(Math.log(2), 1);
    const sum = Object.values(l.parts).reduce((s, p) => s + p.dataSync()[0]!, 0);
    expect(l.total.dataSync()[0]).toBeCloseTo(sum, 5);
    tf.dispose([l.total, ...Object.values(l.parts)]);
    expect(tf.memory().numTensors).toBe(before);
    // Without masks in the batch it says what is missing.
    await expect(d.trainingLoss({ ...batch, gtMasks: undefined }, { step: 1, seed: 0 })).rejects.toThrow(MissingMasksError);
    expect(tf.memory().numTensors).toBe(before);
    batch.images.dispose();
    d.dispose();
  });

  it('gradients reach the mask head, and through the pooled features the backbone', async () => {
    const d = build(tinyMaskRcnn(), 2);
    const batch = await firstBatch();
    const vars = [...d.trainableVariables().entries()];
    const { value, grads } = await variableGradsAsync(async () => (await d.trainingLoss(batch, { step: 1, seed: 0 })).parts.mask!, vars.map(([, v]) => v));
    const norm = (name: string) => tf.tidy(() => tf.sum(tf.abs(grads[d.trainableVariables().get(name)!.name]!)).dataSync()[0]!);
    expect(norm('roiHeads.mask.predictor.weight')).toBeGreaterThan(0);
    expect(norm('roiHeads.mask.conv.0.weight')).toBeGreaterThan(0);
    const backbone = vars.find(([n]) => n.startsWith('backbone.'))![0];
    expect(norm(backbone)).toBeGreaterThan(0);
    // The box head is not in the mask loss's path.
    expect(grads[d.trainableVariables().get('roiHeads.predictor.cls.weight')!.name]).toBeUndefined();
    tf.dispose([value, ...Object.values(grads)]);
    batch.images.dispose();
    d.dispose();
  });

  it('detect returns a 28×28 mask per detection; predict writes them as RLE segmentations of the original image', async () => {
    const d = build(tinyMaskRcnn(), 1);
    const b = maskedShapesEvalSet(7, 4, SIZE).batch();
    const few = { scoreThreshold: 0, maxDetections: 20 };
    await d.detect(b.images, few); // one-off kernel constants of a first call
    const before = tf.memory().numTensors;
    const dets = await d.detect(b.images, few);
    expect(tf.memory().numTensors).toBe(before);
    for (const det of dets) {
      expect(hasMasks(det)).toBe(true);
      if (!hasMasks(det)) continue;
      expect(det.maskSize).toBe(28);
      expect(det.masks.length).toBe(det.scores.length * 28 * 28);
      expect(det.masks.every((p) => p >= 0 && p <= 1)).toBe(true);
    }
    expect(dets.reduce((n, det) => n + det.scores.length, 0)).toBeGreaterThan(0);
    const results = await predict(d, b.images, b.meta, { categoryIds: [1, 2], ...few });
    expect(results.length).toBeGreaterThan(0);
    const seg = results[0]!.segmentation!;
    expect(seg.size).toEqual([SIZE, SIZE]);
    expect(rleDecode(rleFromString(seg.counts, SIZE, SIZE)).length).toBe(SIZE * SIZE);
    expect(tf.memory().numTensors).toBe(before);
    b.images.dispose();
    d.dispose();
  });

  it('scores segm even when it detects nothing (mask AP 0, not "no mask AP")', async () => {
    // No class probability exceeds 1, so every detection is dropped.
    const d = build(tinyMaskRcnn({ roi: { scoreThresh: 1 } }), 2);
    const e = await evaluate(d);
    expect(e.detections).toHaveLength(0);
    expect(e.segm).toBeDefined();
    expect(e.segm!.stats.AP).toBe(0);
    d.dispose();
  });

  it('trains on masked shapes: the mask loss falls and mask AP50 rises far above untrained (box AP50 too), no tensor leaks', async () => {
    const d = build(tinyMaskRcnn(), 2);
    const untrained = await evaluate(d);
    expect(untrained.segm).toBeDefined();
    const losses = new Map<number, TrainProgress>();
    const tensors = new Map<number, number>();
    const steps = 100;
    await trainDetector({
      detector: d,
      source: source(),
      train: TrainConfigSchema.parse({ optimizer: 'adamw', lr: 3e-3, weightDecay: 1e-4, steps, warmupSteps: 10, warmupFactor: 0.1, checkpointEvery: 1000 }),
      seed: 5,
      hooks: {
        onProgress: (p) => {
          losses.set(p.step, p);
          tensors.set(p.step, tf.memory().numTensors);
        },
      },
    });
    expect(tensors.get(steps)).toBe(tensors.get(2));
    const maskLoss = (a: number, b: number) => mean([...losses.values()].filter((p) => p.step >= a && p.step <= b).map((p) => p.parts.mask!));
    expect(maskLoss(steps - 9, steps)).toBeLessThan(0.6 * maskLoss(1, 10));
    const trained = await evaluate(d);
    const [boxBefore, boxAfter] = [untrained.coco.stats.AP50, trained.coco.stats.AP50];
    const [maskBefore, maskAfter] = [untrained.segm!.stats.AP50, trained.segm!.stats.AP50];
    console.log(`mask loss ${maskLoss(1, 10).toFixed(3)} → ${maskLoss(steps - 9, steps).toFixed(3)}; box AP50 ${boxBefore.toFixed(3)} → ${boxAfter.toFixed(3)}; mask AP50 ${maskBefore.toFixed(3)} → ${maskAfter.toFixed(3)}, mask AP ${trained.segm!.stats.AP.toFixed(3)}`);
    expect(maskAfter).toBeGreaterThan(0.5);
    expect(maskAfter).toBeGreaterThan(maskBefore + 0.3);
    d.dispose();
  }, 600_000);

  it('softmax masks (Table 2b ablation): K + 1 channels, trains without error and the mask loss falls', async () => {
    const d = build(tinyMaskRcnn({ mask: { loss: 'softmax' } }), 3);
    expect(d.maskHead.numOutputs).toBe(3);
    const losses: number[] = [];
    await trainDetector({
      detector: d,
      source: source(),
      train: TrainConfigSchema.parse({ optimizer: 'adamw', lr: 3e-3, weightDecay: 1e-4, steps: 30, warmupSteps: 5, warmupFactor: 0.1, checkpointEvery: 1000 }),
      seed: 5,
      hooks: { onProgress: (p) => void losses.push(p.parts.mask!) },
    });
    // Untrained: 3-way softmax of ≈ 0 logits, ln 3.
    expect(losses[0]).toBeCloseTo(Math.log(3), 1);
    expect(mean(losses.slice(-5))).toBeLessThan(0.8 * mean(losses.slice(0, 5)));
    d.dispose();
  }, 300_000);

  it('checkpoints and rebuilds as a MaskRcnn with the same masks', async () => {
    const d = build(tinyMaskRcnn(), 6);
    let bytes: Uint8Array | undefined;
    await trainDetector({
      detector: d,
      source: source(),
      train: TrainConfigSchema.parse({ optimizer: 'adamw', lr: 3e-3, steps: 2, warmupSteps: 1, checkpointEvery: 2 }),
      seed: 5,
      hooks: { onCheckpoint: (b) => void (bytes = b) },
    });
    const { detector } = await detectorFromCheckpoint(bytes!, { weights: 'model' });
    expect(detector).toBeInstanceOf(MaskRcnn);
    const b = maskedShapesEvalSet(8, 2, SIZE).batch();
    const [a, r] = [await d.detect(b.images, { maxDetections: 5 }), await detector.detect(b.images, { maxDetections: 5 })];
    expect(hasMasks(r[0]!) && hasMasks(a[0]!)).toBe(true);
    if (hasMasks(r[0]!) && hasMasks(a[0]!)) expect(Array.from(r[0].masks)).toEqual(Array.from(a[0].masks));
    b.images.dispose();
    d.dispose();
    detector.dispose();
  }, 120_000);
});
