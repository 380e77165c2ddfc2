import { drawDatasetDetections, drawDetections } from './draw-detections';
import { syntheticShapes } from '../synthetic/synthetic-dataset';
import type { RgbImage } from '../dataset/dataset';

const grey = (width: number, height: number): RgbImage => ({ width, height, data: new Uint8Array(width * height * 3).fill(128) });
const pixel = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
const categories = [{ id: 1, name: 'circle' }, { id: 5, name: 'ring' }];

describe('drawDetections', () => {
  it('outlines a box in its category’s colour, labels it above, and leaves the input and the box’s inside alone', () => {
    const image = grey(64, 64);
    const drawn = drawDetections(image, [{ image_id: 1, category_id: 5, bbox: [10, 20, 30, 25], score: 0.8 }], { categories, scoreThreshold: 0.3 });
    expect(drawn.data).not.toBe(image.data);
    expect(pixel(image, 10, 30)).toEqual([128, 128, 128]);
    // Left edge and bottom edge: the second palette colour (category 5 is the second).
    expect(pixel(drawn, 10, 30)).toEqual([255, 127, 14]);
    expect(pixel(drawn, 25, 44)).toEqual([255, 127, 14]);
    expect(pixel(drawn, 25, 30)).toEqual([128, 128, 128]);
    // The label bar sits above the box (rows 10..19), in the box's colour or its text's.
    const bar = Array.from({ length: 10 }, (_, y) => pixel(drawn, 11, 10 + y));
    expect(bar.every((p) => p.join() !== '128,128,128')).toBe(true);
  });

  it('draws a keypoint detection’s skeleton in its colour and its keypoints as dots', () => {
    const people = [{ id: 1, name: 'person', keypoints: ['head', 'hip', 'foot'], skeleton: [[1, 2]] as [number, number][] }];
    // Head (10, 10) – hip (10, 30) is an edge; the foot (30, 50) is joined to nothing.
    const keypoints = [10, 10, 1, 10, 30, 1, 30, 50, 1];
    const drawn = drawDetections(grey(64, 64), [{ image_id: 1, category_id: 1, bbox: [0, 0, 64, 64], score: 0.9, keypoints }], { categories: people, scoreThreshold: 0.3 });
    // Half way along the edge: the first palette colour.
    expect(pixel(drawn, 10, 20)).toEqual([31, 119, 180]);
    // Each keypoint is a dot in the label's text colour (white on that blue).
    expect(pixel(drawn, 30, 50)).toEqual([255, 255, 255]);
    expect(pixel(drawn, 10, 30)).toEqual([255, 255, 255]);
    // No edge from the hip to the foot.
    expect(pixel(drawn, 20, 40)).toEqual([128, 128, 128]);
  });

  it('skips detections under the threshold', () => {
    const image = grey(32, 32);
    const drawn = drawDetections(image, [{ image_id: 1, category_id: 1, bbox: [2, 12, 10, 10], score: 0.29 }], { categories, scoreThreshold: 0.3 });
    expect(drawn.data).toEqual(image.data);
  });
});

it('draws every image of a dataset at its own size, named after it', async () => {
  const dataset = syntheticShapes({ images: 2, size: 32 });
  const drawn = [];
  for await (const d of drawDatasetDetections(dataset, [{ image_id: 2, category_id: 1, bbox: [1, 12, 8, 8], score: 1 }], { scoreThreshold: 0.3 })) drawn.push(d);
  expect(drawn.map((d) => [d.imageId, d.fileName, d.image.width, d.image.height])).toEqual([[1, '1.png', 32, 32], [2, '2.png', 32, 32]]);
  expect(drawn[0]!.image.data).toEqual(dataset.images[0]!.render!().data);
  expect(drawn[1]!.image.data).not.toEqual(dataset.images[1]!.render!().data);
});
