import type { ImageMeta, TrainConfig } from '@ablate/detection';
import type { Rng } from '../synthetic/prng';

/** The augmentation switches of a RunConfig (`train.augment`). */
export type AugmentConfig = TrainConfig['augment'];

/**
 * Photometric jitter factors, each drawn uniformly in [1 − PHOTOMETRIC_STRENGTH, 1 + …]:
 * 0.2 for brightness, contrast and saturation, as torchvision's common ColorJitter(0.2, 0.2, 0.2).
 */
export const PHOTOMETRIC_STRENGTH = 0.2;

export interface PhotometricParams {
  brightness: number;
  contrast: number;
  saturation: number;
}

/** Everything random about one training sample, drawn before any pixel is touched. */
export interface SampleTransform {
  meta: ImageMeta;
  photometric?: PhotometricParams;
}

/**
 * The letterbox placement: the image scaled to fit the `inputSize` square (longer side =
 * inputSize) times a jitter factor j; where the scaled image is smaller than the input it is
 * placed at a random offset (padding around it), where larger a random window is cropped
 * (negative pad). Without jitter (`rng` absent) it is placed at the top-left, pad 0.
 */
export function letterboxPlacement(
  width: number,
  height: number,
  inputSize: number,
  jitter?: { range: readonly [number, number]; rng: Rng },
): { scale: number; padX: number; padY: number } {
  const fit = inputSize / Math.max(width, height);
  if (!jitter) return { scale: fit, padX: 0, padY: 0 };
  const [lo, hi] = jitter.range;
  const scale = fit * jitter.rng.uniform(Math.min(lo, hi), Math.max(lo, hi));
  // Free room (positive: padding, negative: crop); the offset is uniform over all placements.
  const roomX = inputSize - width * scale;
  const roomY = inputSize - height * scale;
  return { scale, padX: jitter.rng.next() * roomX, padY: jitter.rng.next() * roomY };
}

/** Draws a training sample's transform from `rng`, in a fixed order (so it is reproducible). */
export function drawSampleTransform(
  imageId: number,
  width: number,
  height: number,
  inputSize: number,
  augment: AugmentConfig | undefined,
  rng: Rng,
): SampleTransform {
  const placement = letterboxPlacement(width, height, inputSize, augment ? { range: augment.scaleJitter, rng } : undefined);
  const flipped = augment?.flip === true && rng.next() < 0.5;
  const meta: ImageMeta = { imageId, originalWidth: width, originalHeight: height, ...placement, flipped };
  if (!augment?.photometric) return { meta };
  const f = (): number => rng.uniform(1 - PHOTOMETRIC_STRENGTH, 1 + PHOTOMETRIC_STRENGTH);
  return { meta, photometric: { brightness: f(), contrast: f(), saturation: f() } };
}
