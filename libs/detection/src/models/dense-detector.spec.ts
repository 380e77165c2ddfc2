import * as tf from '@tensorflow/tfjs-core';
import type { DetectorConfigInput } from '../train/testing/config-input';
import { buildTinyDetector } from '../train/testing/tiny-detector';
import type { TrainBatch } from '../structures';
import { useTestBackend } from './testing/tiny-configs';

beforeAll(useTestBackend);

/** Positive anchors of one training loss on a 32×32 image holding `box`, for a tiny detector (16 px anchors at stride 4). */
async function positivesFor(box: number[], input: DetectorConfigInput = {}): Promise<number> {
  const detector = buildTinyDetector(input);
  const batch: TrainBatch = {
    images: tf.zeros([1, 32, 32, 3]),
    gtBoxes: [Float32Array.from(box)],
    gtLabels: [Int32Array.of(1)],
    meta: [],
  };
  try {
    const loss = await detector.trainingLoss(batch, { step: 0, seed: 0 });
    tf.dispose(loss.total);
    tf.dispose(Object.values(loss.parts));
    return loss.numPositives;
  } finally {
    batch.images.dispose();
    detector.dispose();
  }
}

describe('denseTrainingLoss: the config\'s matcher section', () => {
  // A 4×4 box inside one 16×16 anchor: IoU 16/256 = 0.0625, below RetinaNet's 0.5.
  const small = [10, 10, 14, 14];

  it('gives a box smaller than every anchor no positive by default (RetinaNet §4.1 thresholds)', async () => {
    expect(await positivesFor(small)).toBe(0);
  });

  it('makes its best anchors positive with matcher.lowQualityMatches', async () => {
    expect(await positivesFor(small, { matcher: { lowQualityMatches: true } })).toBeGreaterThan(0);
  });

  it('follows matcher.fgIou', async () => {
    expect(await positivesFor(small, { matcher: { fgIou: 0.05, bgIou: 0.04 } })).toBeGreaterThan(0);
  });

  it('gives an anchor-sized box positives either way', async () => {
    expect(await positivesFor([8, 8, 24, 24])).toBeGreaterThan(0);
  });
});
