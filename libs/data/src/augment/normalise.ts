/**
 * Input normalisation: pixels in [0, 1] standardised with the ImageNet statistics the ResNet and
 * EfficientNet backbones were trained with (torchvision's ImageNet mean/std): per channel
 * (v / 255 − mean) / std. Padding is written as 0, i.e. the mean colour.
 */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** `[scale, offset]` per channel so that normalised = v · scale + offset for an 8-bit v. */
export const NORMALISE_SCALE = IMAGENET_STD.map((s) => 1 / (255 * s)) as [number, number, number];
export const NORMALISE_OFFSET = IMAGENET_MEAN.map((m, c) => -m / IMAGENET_STD[c]!) as [number, number, number];

/** Normalises one 8-bit value of channel `c`. */
export function normalisePixel(value: number, c: 0 | 1 | 2): number {
  return value * NORMALISE_SCALE[c] + NORMALISE_OFFSET[c];
}

/** Back to 8-bit levels (for inspection and tests). */
export function denormalisePixel(value: number, c: 0 | 1 | 2): number {
  return (value - NORMALISE_OFFSET[c]) / NORMALISE_SCALE[c];
}
