import type { ImageAnnotations } from '@ablate/contract';
import { confusionMatrix } from './confusion';

const image = (groundTruth: [number, number[]][], detections: [number, number[], number][]): ImageAnnotations => ({
  image: { id: 1, fileName: '1.png', width: 100, height: 100, groundTruthBoxes: groundTruth.length, detections: detections.length },
  groundTruth: groundTruth.map(([category_id, bbox]) => ({ category_id, bbox: bbox as [number, number, number, number], area: bbox[2]! * bbox[3]!, iscrowd: 0 })),
  detections: detections.map(([category_id, bbox, score]) => ({ image_id: 1, category_id, bbox: bbox as [number, number, number, number], score })),
});

describe('confusionMatrix', () => {
  it('counts matches by true and predicted class, false positives as background and misses', () => {
    const images = [
      image(
        [
          [1, [0, 0, 10, 10]],
          [2, [50, 50, 10, 10]],
          [2, [80, 80, 10, 10]],
        ],
        [
          [1, [0, 0, 10, 10], 0.9], // right
          [1, [50, 50, 10, 11], 0.8], // a 2 called 1
          [2, [20, 20, 10, 10], 0.7], // nothing there
          [2, [80, 80, 10, 10], 0.1], // below the threshold: the 2 at 80 is missed
        ],
      ),
    ];
    const { counts } = confusionMatrix(images, [1, 2], 0.3);
    // rows: true 1, true 2, background; columns: predicted 1, predicted 2, missed
    expect(counts).toEqual([
      [1, 0, 0],
      [1, 0, 1],
      [0, 1, 0],
    ]);
  });

  it('matches each ground truth once, the higher score first', () => {
    const images = [image([[1, [0, 0, 10, 10]]], [[1, [0, 0, 10, 10], 0.6], [2, [0, 0, 10, 10], 0.9]])];
    expect(confusionMatrix(images, [1, 2], 0.3).counts).toEqual([
      [0, 1, 0],
      [0, 0, 0],
      [1, 0, 0],
    ]);
  });
});
