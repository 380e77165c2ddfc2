import { drawSampleTransform } from '../augment/augment-params';
import { rasteriseInput } from '../augment/rasterise-input';
import { Rng } from '../synthetic/prng';
import { syntheticShapes } from '../synthetic/synthetic-dataset';
import { RasterPool } from './raster-pool';

describe('RasterPool', () => {
  const dataset = syntheticShapes({ images: 3, size: 64, seed: 8 });
  const AUGMENT = { flip: true, scaleJitter: [0.7, 1.3] as [number, number], photometric: true };

  it('gives the main-thread result, and close() rejects what is still pending', async () => {
    const pool = new RasterPool(1);
    try {
      const t = drawSampleTransform(1, 64, 64, 48, AUGMENT, new Rng(4));
      const expected = new Float32Array(48 * 48 * 3);
      rasteriseInput(dataset.images[0]!.render!(), t.meta, 48, t.photometric, expected, 0);
      expect(Array.from(await pool.run(dataset.images[0]!.render!(), t.meta, 48, t.photometric))).toEqual(Array.from(expected));
      const pending = pool.run(dataset.images[1]!.render!(), t.meta, 48, t.photometric);
      const closing = pool.close();
      await expect(pending).rejects.toThrow('closed');
      await closing;
      await expect(pool.run(dataset.images[2]!.render!(), t.meta, 48, undefined)).rejects.toThrow('closed');
    } finally {
      await pool.close();
    }
  });
});
