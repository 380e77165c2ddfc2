/**
 * FPN level of each RoI (Lin et al., "Feature Pyramid Networks for Object Detection", eq. 1):
 * k = ⌊k0 + log2(√(wh) / 224)⌋, clamped to [min, max].
 */

export interface FpnLevelOptions {
  /** ImageNet pre-training size: an RoI of √(wh) = 224 goes to level `canonicalLevel` (FPN eq. 1). Default 224. */
  canonicalSize?: number;
  /** k0 of FPN eq. 1; the paper uses 4 (C4 of the ResNet Faster R-CNN). Default 4. */
  canonicalLevel?: number;
  /** Lowest pyramid level (P2 in the FPN paper). Default 2. */
  min?: number;
  /** Highest pyramid level used for RoIs (P5 in the FPN paper; P6 is only for the RPN). Default 5. */
  max?: number;
}

/**
 * Pyramid level of each box. `boxes` are XYXY in input pixels, flat (4·R) or as rows.
 * A degenerate box (w·h = 0) gets log2(0) = −∞ and so the lowest level.
 */
export function assignFpnLevels(boxes: ArrayLike<number> | readonly (readonly number[])[], options: FpnLevelOptions = {}): Int32Array {
  const { canonicalSize = 224, canonicalLevel = 4, min = 2, max = 5 } = options;
  const flat = flattenBoxes(boxes);
  const levels = new Int32Array(flat.length / 4);
  for (let r = 0; r < levels.length; r++) {
    const w = Math.max(0, flat[4 * r + 2] - flat[4 * r]);
    const h = Math.max(0, flat[4 * r + 3] - flat[4 * r + 1]);
    const k = Math.floor(canonicalLevel + Math.log2(Math.sqrt(w * h) / canonicalSize));
    levels[r] = Math.min(max, Math.max(min, k));
  }
  return levels;
}

/** Boxes as a flat array (4 numbers a box); rows are concatenated. */
export function flattenBoxes(boxes: ArrayLike<number> | readonly (readonly number[])[]): ArrayLike<number> {
  if (boxes.length > 0 && Array.isArray(boxes[0])) return (boxes as readonly (readonly number[])[]).flat();
  if (boxes.length % 4 !== 0) throw new RangeError(`boxes: length ${boxes.length} is not a multiple of 4`);
  return boxes as ArrayLike<number>;
}
