import * as tf from '@tensorflow/tfjs-core';
import type { ImageMeta, TrainBatch, TrainDataSource } from '../../structures';

import { mulberry32 } from '../../nn/random';

export { mulberry32 };

/** One synthetic image: a black square of `size` px with one coloured square (class 0 red, 1 green). */
export interface SquareImage {
  pixels: Float32Array;
  box: Float32Array;
  label: Int32Array;
}

export function drawSquare(rand: () => number, size: number, numClasses: number): SquareImage {
  const side = Math.round(size * (0.3 + 0.25 * rand()));
  const x = Math.floor(rand() * (size - side));
  const y = Math.floor(rand() * (size - side));
  const label = Math.min(numClasses - 1, Math.floor(rand() * numClasses));
  const pixels = new Float32Array(size * size * 3);
  for (let r = y; r < y + side; r++) {
    for (let c = x; c < x + side; c++) pixels[(r * size + c) * 3 + (label % 3)] = 1;
  }
  return { pixels, box: new Float32Array([x, y, x + side, y + side]), label: new Int32Array([label]) };
}

/**
 * A deterministic TrainDataSource for tests: batch i of epoch e is a function of (seed, e, i),
 * as the contract requires, so a resumed run sees the same batches.
 */
export function squaresSource(options: { seed: number; size: number; batchSize: number; batchesPerEpoch: number; numClasses: number }): TrainDataSource {
  const { size, batchSize, numClasses } = options;
  return {
    batchesPerEpoch: options.batchesPerEpoch,
    numClasses,
    async *batches(epoch: number, fromBatch = 0): AsyncIterable<TrainBatch> {
      for (let i = fromBatch; i < options.batchesPerEpoch; i++) {
        const rand = mulberry32(options.seed * 1_000_003 + epoch * 1009 + i);
        const images = Array.from({ length: batchSize }, () => drawSquare(rand, size, numClasses));
        const pixels = new Float32Array(batchSize * size * size * 3);
        images.forEach((im, b) => pixels.set(im.pixels, b * im.pixels.length));
        const meta: ImageMeta[] = images.map((_, b) => ({
          imageId: epoch * 100_000 + i * batchSize + b,
          originalWidth: size,
          originalHeight: size,
          scale: 1,
          padX: 0,
          padY: 0,
          flipped: false,
        }));
        yield {
          images: tf.tensor4d(pixels, [batchSize, size, size, 3]),
          gtBoxes: images.map((im) => im.box),
          gtLabels: images.map((im) => im.label),
          meta,
        };
      }
    },
  };
}
