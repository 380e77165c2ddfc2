import { featureSize, generateAnchors } from '../../anchors';
import {
  FASTER_RCNN_ASPECT_RATIOS,
  FASTER_RCNN_C4_ANCHOR_SIZES,
  FASTER_RCNN_C4_STRIDE_LEVEL,
  type AnchorConfig,
  type RpnConfig,
} from '../../config';

/** The RPN's anchors and the levels they sit on. */
export interface RpnAnchors {
  /** XYXY input pixels, flat 4·N, order: level, row y, column x, anchor a. */
  anchors: Float32Array;
  /** Feature levels the RPN reads, in output order ([4] for C4). */
  levels: number[];
  /** Anchors per level, summing to N. */
  levelCounts: number[];
  /** Anchors per position A (the same on every level). */
  anchorsPerPosition: number;
}

/**
 * Anchor sides of one level l of an AnchorConfig: sizeMultiplier · 2^l · 2^(i/scalesPerOctave).
 */
function levelSizes(config: AnchorConfig, level: number): number[] {
  return Array.from({ length: config.scalesPerOctave }, (_, i) => config.sizeMultiplier * 2 ** level * 2 ** (i / config.scalesPerOctave));
}

/**
 * Anchors of the RPN.
 * - 'fpn': `generateAnchors(config)` (FPN §4.1 with sizeMultiplier 8, one scale per octave and
 *   levels 2–6: 32² on P2 … 512² on P6, ratios 1:2, 1:1, 2:1).
 * - 'c4': every anchor side of the configured levels, all on the stride-16 C4 map (Faster R-CNN
 *   §3.1.1: 3 scales × 3 ratios at stride 16; sides 128, 256, 512 are levels 5–7 with
 *   sizeMultiplier 4). At each position anchor a = sizeIndex · numRatios + ratioIndex, sides in
 *   ascending level then scale order, w = side/√r, h = side·√r (as `generateAnchors`).
 */
export function rpnAnchors(config: AnchorConfig, features: RpnConfig['features'], inputSize: number): RpnAnchors {
  if (features === 'fpn') {
    const set = generateAnchors(config, inputSize);
    return { anchors: set.anchors, levels: set.levels, levelCounts: set.levelCounts, anchorsPerPosition: set.anchorsPerPosition };
  }
  const level = FASTER_RCNN_C4_STRIDE_LEVEL;
  const stride = 2 ** level;
  const side = featureSize(inputSize, level);
  const sizes = config.levels.flatMap((l) => levelSizes(config, l));
  const shapes: [number, number][] = [];
  for (const s of sizes) {
    for (const r of config.aspectRatios) shapes.push([s / Math.sqrt(r), s * Math.sqrt(r)]);
  }
  const A = shapes.length;
  const anchors = new Float32Array(side * side * A * 4);
  let o = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const cx = (x + config.offset) * stride;
      const cy = (y + config.offset) * stride;
      for (const [w, h] of shapes) {
        anchors[o++] = cx - w / 2;
        anchors[o++] = cy - h / 2;
        anchors[o++] = cx + w / 2;
        anchors[o++] = cy + h / 2;
      }
    }
  }
  return { anchors, levels: [level], levelCounts: [side * side * A], anchorsPerPosition: A };
}

/**
 * The Faster R-CNN paper's C4 anchors (§3.1.1): sides 128, 256, 512 (FASTER_RCNN_C4_ANCHOR_SIZES,
 * i.e. levels 5–7 at sizeMultiplier 4) × ratios 1:2, 1:1, 2:1, for `rpn.features: 'c4'`.
 */
export const FASTER_RCNN_C4_ANCHORS: AnchorConfig = {
  levels: [5, 6, 7],
  scalesPerOctave: 1,
  aspectRatios: [...FASTER_RCNN_ASPECT_RATIOS],
  sizeMultiplier: FASTER_RCNN_C4_ANCHOR_SIZES[0] / 2 ** 5,
  offset: 0.5,
};
