import { variableGradsAsync } from '@ablate/engine';
import * as tf from '@tensorflow/tfjs-core';
import { TrainConfigSchema, type DetectorConfig } from '../../config';
import { hasKeypoints, type KeypointDetections } from '../../keypoints/keypoint-detections';
import { detectorFromCheckpoint } from '../../predict/from-checkpoint';
import { predict } from '../../predict/predict';
import { trainDetector } from '../../train/trainer';
import { useTestBackend } from '../testing/tiny-configs';
import { buildDetector } from '../build-detector';
import { KeypointRcnn, MissingKeypointsError } from './keypoint-rcnn';
import { keypointFiguresEvalSet, keypointFiguresSource, TEST_KEYPOINTS, tinyKeypointRcnn } from './keypoint-testing';

beforeAll(useTestBackend);

const SIZE = 64;
const K = TEST_KEYPOINTS;
const source = () => keypointFiguresSource({ seed: 3, size: SIZE, batchSize: 4, batchesPerEpoch: 1000 });

function build(config: DetectorConfig, seed: number): KeypointRcnn {
  const d = buildDetector(config, { seed });
  expect(d).toBeInstanceOf(KeypointRcnn);
  return d as KeypointRcnn;
}

async function firstBatch() {
  const it = source().batches(0)[Symbol.asyncIterator]();
  return (await it.next()).value!;
}

/**
 * Mean distance (input px) from each visible GT keypoint to the same keypoint of the image's
 * top-scoring detection: a pose error that needs no evaluator.
 */
async function keypointError(d: KeypointRcnn, seed: number): Promise<number> {
  const set = keypointFiguresEvalSet(seed, 16, SIZE);
  const b = set.batch();
  const dets = (await d.detect(b.images, { scoreThreshold: 0, maxDetections: 1 })) as KeypointDetections[];
  b.images.dispose();
  let sum = 0;
  let n = 0;
  dets.forEach((det, i) => {
    const gt = set.keypoints[i]!;
    for (let j = 0; j < K; j++) {
      if (gt[3 * j + 2] === 0) continue;
      // The GT's centre pixel continuous position is x + 0.5 (scale 1, no padding).
      const [x, y] = det.scores.length === 0 ? [0, 0] : [det.keypoints[3 * j]!, det.keypoints[3 * j + 1]!];
      sum += Math.hypot(x - (gt[3 * j]! + 0.5), y - (gt[3 * j + 1]! + 0.5));
      n++;
    }
  });
  return sum / n;
}

describe('KeypointRcnn', () => {
  it('adds the keypoint head (roiHeads.keypoint.*) and a `keypoint` loss part to the joint loss, leaving no tensor', async () => {
    const d = build(tinyKeypointRcnn(), 1);
    const names = [...d.trainableVariables().keys()];
    expect(names).toEqual(expect.arrayContaining(['roiHeads.keypoint.conv.0.weight', 'roiHeads.keypoint.deconv.weight', 'roiHeads.keypoint.deconv.bias']));
    const batch = await firstBatch();
    // A first call creates one-off kernel constants; leaks are measured on the second.
    const warm = await d.trainingLoss(batch, { step: 1, seed: 0 });
    tf.dispose([warm.total, ...Object.values(warm.parts)]);
    const before = tf.memory().numTensors;
    const l = await d.trainingLoss(batch, { step: 1, seed: 0 });
    expect(Object.keys(l.parts).sort()).toEqual(['box', 'cls', 'keypoint', 'rpnBox', 'rpnObj']);
    // Untrained, each keypoint's 16² logits are near-uniform: cross-entropy ≈ ln 256 = 5.55.
    expect(Math.abs(l.parts.keypoint!.dataSync()[0]! - Math.log(256))).toBeLessThan(1);
    const sum = Object.values(l.parts).reduce((s, p) => s + p.dataSync()[0]!, 0);
    expect(l.total.dataSync()[0]).toBeCloseTo(sum, 4);
    tf.dispose([l.total, ...Object.values(l.parts)]);
    expect(tf.memory().numTensors).toBe(before);
    // Without keypoints in the batch it says what is missing; with the wrong K, which field.
    await expect(d.trainingLoss({ ...batch, gtKeypoints: undefined }, { step: 1, seed: 0 })).rejects.toThrow(MissingKeypointsError);
    await expect(d.trainingLoss({ ...batch, gtKeypoints: batch.gtKeypoints!.map((k: Float32Array) => k.subarray(3)) }, { step: 1, seed: 0 })).rejects.toThrow(/keypoints\.numKeypoints/);
    expect(tf.memory().numTensors).toBe(before);
    batch.images.dispose();
    d.dispose();
  });

  it('gradients reach the keypoint head, and through the pooled features the backbone, not the box predictor', async () => {
    const d = build(tinyKeypointRcnn(), 2);
    const batch = await firstBatch();
    const vars = [...d.trainableVariables().entries()];
    const { value, grads } = await variableGradsAsync(async () => (await d.trainingLoss(batch, { step: 1, seed: 0 })).parts.keypoint!, vars.map(([, v]) => v));
    const norm = (name: string) => tf.tidy(() => tf.sum(tf.abs(grads[d.trainableVariables().get(name)!.name]!)).dataSync()[0]!);
    expect(norm('roiHeads.keypoint.deconv.weight')).toBeGreaterThan(0);
    expect(norm('roiHeads.keypoint.conv.0.weight')).toBeGreaterThan(0);
    expect(norm(vars.find(([n]) => n.startsWith('backbone.'))![0])).toBeGreaterThan(0);
    expect(grads[d.trainableVariables().get('roiHeads.predictor.cls.weight')!.name]).toBeUndefined();
    tf.dispose([value, ...Object.values(grads)]);
    batch.images.dispose();
    d.dispose();
  });

  it('detect gives K keypoints (x, y, score) inside each box; predict writes them as COCO [x, y, 1]·K', async () => {
    const d = build(tinyKeypointRcnn(), 1);
    const b = keypointFiguresEvalSet(7, 3, SIZE).batch();
    const few = { scoreThreshold: 0, maxDetections: 10 };
    await d.detect(b.images, few); // one-off kernel constants of a first call
    const before = tf.memory().numTensors;
    const dets = await d.detect(b.images, few);
    expect(tf.memory().numTensors).toBe(before);
    expect(dets.reduce((n, det) => n + det.scores.length, 0)).toBeGreaterThan(0);
    for (const det of dets) {
      expect(hasKeypoints(det)).toBe(true);
      if (!hasKeypoints(det)) continue;
      expect(det.numKeypoints).toBe(K);
      expect(det.keypoints.length).toBe(det.scores.length * K * 3);
      for (let i = 0; i < det.scores.length; i++) {
        const [x0, y0, x1, y1] = Array.from(det.boxes.slice(4 * i, 4 * i + 4));
        for (let j = 0; j < K; j++) {
          const [x, y, s] = Array.from(det.keypoints.subarray(3 * (i * K + j), 3 * (i * K + j) + 3));
          // Inside its box (or the 1-px floor of a thinner one), with a probability as score.
          expect(x).toBeGreaterThanOrEqual(x0! - 1e-3);
          expect(x).toBeLessThanOrEqual(Math.max(x1!, x0! + 1) + 1e-3);
          expect(y).toBeGreaterThanOrEqual(y0! - 1e-3);
          expect(y).toBeLessThanOrEqual(Math.max(y1!, y0! + 1) + 1e-3);
          expect(s).toBeGreaterThan(0);
          expect(s).toBeLessThanOrEqual(1);
        }
      }
    }
    const results = await predict(d, b.images, b.meta, { categoryIds: [1], ...few });
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(r.keypoints).toHaveLength(3 * K);
      expect(r.keypoints!.filter((_, i) => i % 3 === 2)).toEqual([1, 1, 1]);
    }
    // The first result's keypoints are its detection's, less the 0.5 of COCO's pixel indices (scale 1, no padding).
    const first = dets[0] as KeypointDetections;
    expect(results[0]!.keypoints![0]).toBeCloseTo(first.keypoints[0]! - 0.5, 4);
    expect(tf.memory().numTensors).toBe(before);
    b.images.dispose();
    d.dispose();
  });

  it('trains on keypoint figures: the keypoint loss falls and the pose error shrinks, no tensor leaks; a checkpoint rebuilds the same keypoints', async () => {
    const d = build(tinyKeypointRcnn(), 2);
    const untrained = await keypointError(d, 99);
    const losses: number[] = [];
    const tensors = new Map<number, number>();
    const steps = 40;
    let bytes: Uint8Array | undefined;
    await trainDetector({
      detector: d,
      source: source(),
      train: TrainConfigSchema.parse({ optimizer: 'adamw', lr: 6e-3, weightDecay: 1e-4, steps, warmupSteps: 5, warmupFactor: 0.1, checkpointEvery: steps }),
      seed: 5,
      hooks: {
        onProgress: (p) => {
          losses.push(p.parts.keypoint!);
          tensors.set(p.step, tf.memory().numTensors);
        },
        onCheckpoint: (b) => void (bytes = b),
      },
    });
    expect(tensors.get(steps)).toBe(tensors.get(2));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const trained = await keypointError(d, 99);
    console.log(`keypoint loss ${mean(losses.slice(0, 10)).toFixed(3)} → ${mean(losses.slice(-10)).toFixed(3)}; pose error ${untrained.toFixed(2)} → ${trained.toFixed(2)} px`);
    expect(mean(losses.slice(-10))).toBeLessThan(0.95 * mean(losses.slice(0, 10)));
    expect(trained).toBeLessThan(0.75 * untrained);

    const { detector } = await detectorFromCheckpoint(bytes!, { weights: 'model' });
    expect(detector).toBeInstanceOf(KeypointRcnn);
    const b = keypointFiguresEvalSet(8, 2, SIZE).batch();
    const [a, r] = [await d.detect(b.images, { maxDetections: 5 }), await detector.detect(b.images, { maxDetections: 5 })];
    expect(hasKeypoints(r[0]!) && hasKeypoints(a[0]!)).toBe(true);
    if (hasKeypoints(r[0]!) && hasKeypoints(a[0]!)) expect(Array.from(r[0].keypoints)).toEqual(Array.from(a[0].keypoints));
    b.images.dispose();
    d.dispose();
    detector.dispose();
  }, 300_000);
});
