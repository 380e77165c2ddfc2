import type { ImageMeta } from '@ablate/detection';

/**
 * Geometric transforms of keypoint arrays: flat `Float32Array` of COCO (x, y, v) triples, N·K·3 for
 * N instances of K points, pixels of the frame their boxes are in. Each returns a new array. An
 * unlabelled point (v = 0) stays (0, 0, 0); a point the transform moves out of the picture becomes
 * unlabelled too (a target the network cannot see is no target).
 */

/**
 * Original → input pixels, as {@link boxesToInput} moves the boxes: p · scale + pad, then mirrored
 * about the input side if `flipped` (x ↦ S − x), where mirroring also renames the points through
 * `flipPermutation` (left_eye ↔ right_eye …, see keypointFlipPermutation): after a flip, point j's
 * position is the target of point `flipPermutation[j]`. Points outside [0, S] become (0, 0, 0).
 */
export function keypointsToInput(keypoints: Float32Array, keypointCount: number, meta: ImageMeta, inputSize: number, flipPermutation: Int32Array): Float32Array {
  const out = new Float32Array(keypoints.length);
  const instances = keypointCount === 0 ? 0 : keypoints.length / (3 * keypointCount);
  for (let n = 0; n < instances; n++) {
    for (let j = 0; j < keypointCount; j++) {
      const src = 3 * (n * keypointCount + j);
      const v = keypoints[src + 2]!;
      if (v === 0) continue;
      let x = keypoints[src]! * meta.scale + meta.padX;
      const y = keypoints[src + 1]! * meta.scale + meta.padY;
      if (!(x >= 0 && x <= inputSize && y >= 0 && y <= inputSize)) continue;
      if (meta.flipped) x = inputSize - x;
      const dst = 3 * (n * keypointCount + (meta.flipped ? flipPermutation[j]! : j));
      out[dst] = x;
      out[dst + 1] = y;
      out[dst + 2] = v;
    }
  }
  return out;
}

/**
 * Input → original pixels, the inverse of {@link keypointsToInput} for a detector's predicted
 * keypoints: un-mirror and un-rename (if `flipped`), then (p − pad) / scale. Not clipped; v kept.
 */
export function keypointsToOriginal(keypoints: Float32Array, keypointCount: number, meta: ImageMeta, inputSize: number, flipPermutation: Int32Array): Float32Array {
  const out = new Float32Array(keypoints.length);
  const instances = keypointCount === 0 ? 0 : keypoints.length / (3 * keypointCount);
  for (let n = 0; n < instances; n++) {
    for (let j = 0; j < keypointCount; j++) {
      const src = 3 * (n * keypointCount + j);
      const x = meta.flipped ? inputSize - keypoints[src]! : keypoints[src]!;
      // The flip permutation is an involution: the input's point j is the original's point perm[j].
      const dst = 3 * (n * keypointCount + (meta.flipped ? flipPermutation[j]! : j));
      out[dst] = (x - meta.padX) / meta.scale;
      out[dst + 1] = (keypoints[src + 1]! - meta.padY) / meta.scale;
      out[dst + 2] = keypoints[src + 2]!;
    }
  }
  return out;
}

/** The keypoints of the instances at `positions` (of K points each), in that order. */
export function selectKeypoints(keypoints: Float32Array, keypointCount: number, positions: ArrayLike<number>): Float32Array {
  const stride = 3 * keypointCount;
  const out = new Float32Array(positions.length * stride);
  for (let i = 0; i < positions.length; i++) out.set(keypoints.subarray(positions[i]! * stride, (positions[i]! + 1) * stride), i * stride);
  return out;
}
