import type { Shape } from './shapes';

/**
 * Everything needed to render one synthetic image, as plain data (it crosses to worker threads):
 * the square side, the shapes in draw order, the seed of the colour and noise stream.
 */
export interface SyntheticImageSpec {
  size: number;
  shapes: Shape[];
  renderSeed: number;
}
