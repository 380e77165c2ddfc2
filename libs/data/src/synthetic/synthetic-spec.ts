import type { Shape } from './shapes';
import type { StickFigure } from './stick-figure';

/**
 * Everything needed to render one synthetic image, as plain data (it crosses to worker threads):
 * the square side, the shapes (synthetic:shapes) or stick figures (synthetic:people) in draw order,
 * the seed of the colour and noise stream.
 */
export interface SyntheticImageSpec {
  size: number;
  shapes: Shape[];
  /** synthetic:people's figures (then `shapes` is empty). */
  figures?: StickFigure[];
  renderSeed: number;
}
