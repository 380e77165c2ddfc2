import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { ImageMeta } from '@ablate/detection';
import { DatasetError } from '../dataset/dataset-error';
import { keypointFlipPermutation } from '../dataset/keypoints';
import { createTrainSource } from '../pipeline/train-source';
import { syntheticPeople } from '../synthetic/people-dataset';
import { syntheticShapes } from '../synthetic/synthetic-dataset';
import { COCO_KEYPOINT_NAMES } from '../synthetic/stick-figure';
import { boxesToInput } from './box-transforms';
import { keypointsToInput, keypointsToOriginal } from './keypoint-transforms';

const NAMES = ['nose', 'left_eye', 'right_eye'];
const FLIP = keypointFlipPermutation(NAMES);

describe('keypoint transforms', () => {
  it("pairs COCO's left_* and right_* points for a flip, the nose onto itself", () => {
    expect(Array.from(FLIP)).toEqual([0, 2, 1]);
    const coco = keypointFlipPermutation(COCO_KEYPOINT_NAMES);
    // nose, then (left_eye, right_eye), (left_ear, right_ear) … (left_ankle, right_ankle) swapped.
    expect(Array.from(coco)).toEqual([0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]);
  });

  it('moves points as the boxes move: scale, pad, and a flip mirrors x and swaps left and right', () => {
    const meta: ImageMeta = { imageId: 1, originalWidth: 40, originalHeight: 20, scale: 0.5, padX: 4, padY: 1, flipped: true };
    // nose (20, 10) → (14, 6) → mirrored in 32: (18, 6). left_eye (16, 8, v 1) → (12, 5) → (20, 5), now right_eye's slot.
    // right_eye (24, 8, v 2) → (16, 5) → (16, 5), now left_eye's slot.
    const points = Float32Array.of(20, 10, 2, 16, 8, 1, 24, 8, 2);
    const moved = keypointsToInput(points, 3, meta, 32, FLIP);
    expect(Array.from(moved)).toEqual([18, 6, 2, 16, 5, 2, 20, 5, 1]);
    // Consistent with the box: [16, 8, 24, 10] → boxesToInput gives x from 16 to 20, the eyes' x.
    expect(Array.from(boxesToInput(Float32Array.of(16, 8, 24, 10), meta, 32))).toEqual([16, 5, 20, 6]);
    expect(Array.from(keypointsToOriginal(moved, 3, meta, 32, FLIP))).toEqual(Array.from(points));
  });

  it('keeps an unlabelled point at (0, 0, 0) and unlabels a point a crop pushes out of the input', () => {
    // Scale 1, the image shifted 10 px left (a crop): x 5 → −5 is out, x 25 → 15 stays.
    const meta: ImageMeta = { imageId: 1, originalWidth: 40, originalHeight: 40, scale: 1, padX: -10, padY: 0, flipped: false };
    const moved = keypointsToInput(Float32Array.of(5, 3, 2, 25, 3, 2, 0, 0, 0), 3, meta, 32, FLIP);
    expect(Array.from(moved)).toEqual([0, 0, 0, 15, 3, 2, 0, 0, 0]);
  });
});

describe('training batches with keypoints', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const people = syntheticPeople({ images: 8, size: 64, seed: 3 });
  const AUGMENT = { flip: true, scaleJitter: [0.6, 1.4] as [number, number], photometric: false };

  it('carries N·17·3 keypoints per image beside the boxes, inside the input; pixels and points the same in worker threads', async () => {
    const read = async (workers: number): Promise<number[][]> => {
      const source = createTrainSource(people, { inputSize: 48, batchSize: 4, seed: 2, augment: AUGMENT, keypoints: true, workers });
      const out: number[][] = [];
      try {
        for await (const batch of source.batches(0)) {
          // The figures are rendered in the worker threads too: the pixels must agree as well.
          out.push(Array.from(await batch.images.data()));
          batch.images.dispose();
          expect(batch.gtKeypoints).toHaveLength(4);
          batch.gtKeypoints!.forEach((k, i) => {
            expect(k.length).toBe((batch.gtBoxes[i]!.length / 4) * 17 * 3);
            for (let j = 0; j < k.length; j += 3) if (k[j + 2]! > 0) expect(k[j]! >= 0 && k[j]! <= 48 && k[j + 1]! >= 0 && k[j + 1]! <= 48).toBe(true);
            out.push(Array.from(k));
          });
        }
      } finally {
        await source.close();
      }
      return out;
    };
    const main = await read(0);
    expect(main.flat().some((v) => v > 0)).toBe(true);
    expect(await read(1)).toEqual(main);
  });

  it('refuses keypoints for a dataset whose categories name none', () => {
    const shapes = syntheticShapes({ images: 4, size: 32 });
    expect(() => createTrainSource(shapes, { inputSize: 32, batchSize: 2, seed: 0, keypoints: true })).toThrow(DatasetError);
  });
});
