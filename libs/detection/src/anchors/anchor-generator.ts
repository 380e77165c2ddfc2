import {
  RETINANET_ANCHOR_SIZE_MULTIPLIER,
  RETINANET_ASPECT_RATIOS,
  RETINANET_LEVELS,
  RETINANET_SCALES_PER_OCTAVE,
  type AnchorConfig,
} from '../config';
import type { BoxArray } from '../structures';

/**
 * Dense anchors over a feature pyramid (RetinaNet §3 "Anchors"; FPN §4.1).
 *
 * On level l (stride s = 2^l) each position (x, y) of the `ceil(S / 2^l)`-sided feature map of an
 * S×S input carries `A = scalesPerOctave · aspectRatios.length` anchors centred at
 * `((x + offset)·s, (y + offset)·s)`. Anchor `a = scaleIndex · numRatios + ratioIndex` has
 *
 *   size  = sizeMultiplier · 2^l · 2^(scaleIndex / scalesPerOctave)     (√area)
 *   ratio = aspectRatios[ratioIndex] = h / w
 *   w = size / √ratio,   h = size · √ratio                               (so w·h = size²)
 *
 * ## Order (a contract with the heads, see `Detector.anchors`)
 *
 * Anchors are flat XYXY 4·A_total, ordered level by level (in `config.levels` order, P3 first),
 * then row y, then column x, then anchor index a. A head that outputs, at each position, channel
 * `a·C + c` for the logit of class c of anchor a (and `a·4 + j` for delta j) therefore matches this
 * order after a plain reshape of `[B, H, W, A·C]` to `[B, H·W·A, C]` and concatenation of the
 * levels along axis 1: output row `offset_l + (y·W + x)·A + a`.
 *
 * ## Feature-map size
 *
 * Level l has `ceil(S / 2^l)` rows and columns. That equals the size a chain of l stride-2
 * convolutions (or poolings) with 'same' padding gives, since each halves with rounding up and
 * ceil(ceil(n / 2) / 2) = ceil(n / 4). The model must produce exactly these sizes.
 */
export interface AnchorSet {
  /** All anchors, XYXY pixels of the input, flat 4·A_total, in the order above. */
  anchors: BoxArray;
  /** Pyramid levels, as configured. */
  levels: number[];
  /** Anchors per level: `featureSizes[i]² · anchorsPerPosition`. */
  levelCounts: number[];
  /** Feature-map side per level: `ceil(imageSize / 2^level)`. */
  featureSizes: number[];
  /** A = scalesPerOctave · aspectRatios.length. */
  anchorsPerPosition: number;
}

/** The part of an AnchorConfig the generator reads; omitted fields take the RetinaNet defaults. */
export type AnchorOptions = Partial<AnchorConfig>;

function resolve(config: AnchorOptions): AnchorConfig {
  const resolved: AnchorConfig = {
    levels: config.levels ?? [...RETINANET_LEVELS],
    scalesPerOctave: config.scalesPerOctave ?? RETINANET_SCALES_PER_OCTAVE,
    aspectRatios: config.aspectRatios ?? [...RETINANET_ASPECT_RATIOS],
    sizeMultiplier: config.sizeMultiplier ?? RETINANET_ANCHOR_SIZE_MULTIPLIER,
    offset: config.offset ?? 0.5,
  };
  if (resolved.levels.length === 0 || resolved.levels.some((l) => !Number.isInteger(l) || l < 0)) {
    throw new RangeError(`anchors.levels must be non-negative integers, got [${resolved.levels.join(', ')}]`);
  }
  if (!Number.isInteger(resolved.scalesPerOctave) || resolved.scalesPerOctave < 1) {
    throw new RangeError(`anchors.scalesPerOctave must be a positive integer, got ${resolved.scalesPerOctave}`);
  }
  if (resolved.aspectRatios.length === 0 || resolved.aspectRatios.some((r) => !(r > 0))) {
    throw new RangeError(`anchors.aspectRatios must be positive numbers, got [${resolved.aspectRatios.join(', ')}]`);
  }
  if (!(resolved.sizeMultiplier > 0)) {
    throw new RangeError(`anchors.sizeMultiplier must be positive, got ${resolved.sizeMultiplier}`);
  }
  return resolved;
}

/** A = anchors per feature-map position: scales per octave × aspect ratios (9 for RetinaNet). */
export function numAnchorsPerPosition(config: AnchorOptions = {}): number {
  const c = resolve(config);
  return c.scalesPerOctave * c.aspectRatios.length;
}

/** Feature-map side of level l for an input of side S: ceil(S / 2^l). */
export function featureSize(imageSize: number, level: number): number {
  return Math.ceil(imageSize / 2 ** level);
}

/**
 * The A anchors of one position of level `level`, centred at (0, 0), as flat XYXY 4·A in
 * anchor-index order (a = scaleIndex · numRatios + ratioIndex).
 */
export function cellAnchors(config: AnchorOptions, level: number): Float64Array {
  const c = resolve(config);
  const nr = c.aspectRatios.length;
  const out = new Float64Array(4 * c.scalesPerOctave * nr);
  for (let s = 0; s < c.scalesPerOctave; s++) {
    const size = c.sizeMultiplier * 2 ** level * 2 ** (s / c.scalesPerOctave);
    for (let r = 0; r < nr; r++) {
      const sq = Math.sqrt(c.aspectRatios[r]);
      const halfW = size / sq / 2;
      const halfH = (size * sq) / 2;
      out.set([-halfW, -halfH, halfW, halfH], 4 * (s * nr + r));
    }
  }
  return out;
}

/**
 * Anchors for an S×S input (see {@link AnchorSet} for sizes, order and feature-map sizes).
 *
 * @param config - levels, scalesPerOctave, aspectRatios (h/w), sizeMultiplier, offset; RetinaNet
 *   defaults (P3–P7, 3 scales, {1:2, 1:1, 2:1}, 4·2^l, 0.5) for what is omitted.
 * @param imageSize - S, the square input side in pixels.
 */
export function generateAnchors(config: AnchorOptions, imageSize: number): AnchorSet {
  if (!Number.isInteger(imageSize) || imageSize < 1) {
    throw new RangeError(`generateAnchors: imageSize must be a positive integer, got ${imageSize}`);
  }
  const c = resolve(config);
  const perPosition = c.scalesPerOctave * c.aspectRatios.length;
  const featureSizes = c.levels.map((l) => featureSize(imageSize, l));
  const levelCounts = featureSizes.map((f) => f * f * perPosition);
  const anchors = new Float32Array(4 * levelCounts.reduce((s, n) => s + n, 0));
  let k = 0;
  c.levels.forEach((level, i) => {
    const cell = cellAnchors(c, level);
    const stride = 2 ** level;
    const side = featureSizes[i];
    for (let y = 0; y < side; y++) {
      const cy = (y + c.offset) * stride;
      for (let x = 0; x < side; x++) {
        const cx = (x + c.offset) * stride;
        for (let q = 0; q < cell.length; q += 4, k += 4) {
          anchors[k] = cx + cell[q];
          anchors[k + 1] = cy + cell[q + 1];
          anchors[k + 2] = cx + cell[q + 2];
          anchors[k + 3] = cy + cell[q + 3];
        }
      }
    }
  });
  return { anchors, levels: [...c.levels], levelCounts, featureSizes, anchorsPerPosition: perPosition };
}
