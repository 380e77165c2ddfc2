import * as tf from '@tensorflow/tfjs-core';
import { assignFpnLevels } from './fpn-levels';
import { roiAlign } from './roi-align';
import { readRois, type BoxesInput, type ImageIndexInput } from './roi-gather';

export interface MultiLevelRoiAlignOptions {
  /** Output bins per side: 7 for box heads, 14 for mask heads (Mask R-CNN §3). */
  outputSize: number;
  /** Pyramid level of featuresByLevel[0]: P2 in FPN (stride 2² = 4). Default 2. */
  minLevel?: number;
  /** See {@link roiAlign}. Default 2. */
  samplingRatio?: number;
  /** See {@link roiAlign}. Default true. */
  aligned?: boolean;
  /** FPN eq. 1's 224 and k0 = 4 (see {@link assignFpnLevels}). */
  canonicalSize?: number;
  canonicalLevel?: number;
}

/**
 * RoIAlign on a feature pyramid (FPN §4.2): each RoI is pooled from level
 * k = clamp(⌊k0 + log2(√(wh)/224)⌋) (FPN eq. 1) at spatial scale 1/2^k.
 *
 * `featuresByLevel[i]` is level minLevel + i, [B, H_i, W_i, C] with the same C; `boxes` [R, 4]
 * XYXY in input pixels; `boxImageIndex` [R]. Returns [R, outputSize, outputSize, C] in the order
 * of the boxes. Differentiable w.r.t. every level on every backend. Caller owns the result.
 */
export function multiLevelRoiAlign(
  featuresByLevel: readonly tf.Tensor4D[],
  boxes: BoxesInput,
  boxImageIndex: ImageIndexInput,
  options: MultiLevelRoiAlignOptions,
): tf.Tensor4D {
  const { outputSize, minLevel = 2, samplingRatio = 2, aligned = true, canonicalSize, canonicalLevel } = options;
  if (featuresByLevel.length === 0) throw new RangeError('featuresByLevel: no levels');
  const channels = featuresByLevel[0].shape[3];
  const rois = readRois(boxes, boxImageIndex, featuresByLevel[0].shape[0]);
  const maxLevel = minLevel + featuresByLevel.length - 1;
  const levels = assignFpnLevels(rois.boxes, { min: minLevel, max: maxLevel, canonicalSize, canonicalLevel });
  return tf.tidy(() => {
    const parts: tf.Tensor4D[] = [];
    // position[r]: where RoI r lands in the level-by-level concatenation.
    const position = new Int32Array(rois.count);
    let placed = 0;
    for (let level = minLevel; level <= maxLevel; level++) {
      const members: number[] = [];
      for (let r = 0; r < rois.count; r++) if (levels[r] === level) members.push(r);
      if (members.length === 0) continue;
      const levelBoxes = new Float64Array(members.length * 4);
      const levelImages = new Int32Array(members.length);
      members.forEach((r, i) => {
        for (let q = 0; q < 4; q++) levelBoxes[i * 4 + q] = rois.boxes[r * 4 + q];
        levelImages[i] = rois.imageIndex[r];
        position[r] = placed + i;
      });
      placed += members.length;
      const spatialScale = 1 / 2 ** level;
      parts.push(roiAlign(featuresByLevel[level - minLevel], levelBoxes, levelImages, { outputSize, spatialScale, samplingRatio, aligned }));
    }
    if (parts.length === 0) return tf.zeros([0, outputSize, outputSize, channels]) as tf.Tensor4D;
    const stacked = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    return tf.gather(stacked, tf.tensor1d(position, 'int32')) as tf.Tensor4D;
  });
}
