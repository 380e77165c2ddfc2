import * as tf from '@tensorflow/tfjs-core';
import { ROI_ALIGN_SAMPLING_RATIO } from '../../config';
import { assignFpnLevels, roiAlignAxisTaps } from '../../roi';

/**
 * RoIAlign as one host-side kernel with a hand-written gradient, used by `RoiPooler` for the box
 * and mask heads on host-memory backends (wasm, cpu). The same sampling as `roiAlign` (2×2
 * bilinear samples per bin, aligned, FPN eq. 1 levels), but the weighted sum is a loop instead of
 * a `tf.gather` of R·P²·16 feature rows: at P = 14 the gather is 4× the box head's and took
 * 16 CPU s for 1 600 RoIs on wasm, the loop 0.1–0.3 s. The loop reads the taps factored by axis
 * (`roiAlignAxisTaps`: a cell's weights are products of merged row and column weights), which
 * costs a fraction of building the 16 taps of every cell and reads each feature pixel of a cell
 * once. The gradient scatters dy back the same way. Its reads (`dataSync` of the maps, and of dy in
 * the gradient, which tfjs calls synchronously) are copies on these backends; on a GPU `RoiPooler`
 * takes the device gather instead, so nothing here reads from a device.
 *
 * `maps[i]` is level `levels[i]` (ascending, contiguous), `[B, H_i, W_i, C]`; `boxes` 4·R XYXY
 * input pixels; returns `[R, size, size, C]` in box order. Caller owns the result.
 */
export function maskRoiAlign(maps: readonly tf.Tensor4D[], levels: readonly number[], boxes: Float32Array, imageIndex: Int32Array, size: number): tf.Tensor4D {
  const count = imageIndex.length;
  const channels = maps[0]!.shape[3];
  if (count === 0) return tf.zeros([0, size, size, channels]);
  const lo = levels[0]!;
  const hi = levels[levels.length - 1]!;
  const assigned = levels.length === 1 ? new Int32Array(count).fill(lo) : assignFpnLevels(boxes, { min: lo, max: hi });
  // Per level: the RoIs it serves (their positions in box order) and their taps.
  const plans = maps.map((map, li) => {
    const members: number[] = [];
    for (let r = 0; r < count; r++) if (assigned[r] === levels[li]) members.push(r);
    const levelBoxes = new Float32Array(members.length * 4);
    const levelImages = new Int32Array(members.length);
    members.forEach((r, i) => {
      levelBoxes.set(boxes.subarray(4 * r, 4 * r + 4), 4 * i);
      levelImages[i] = imageIndex[r]!;
    });
    const [b, h, w] = map.shape;
    const taps = roiAlignAxisTaps(levelBoxes, levelImages, [b, h, w], { outputSize: size, spatialScale: 2 ** -levels[li]!, samplingRatio: ROI_ALIGN_SAMPLING_RATIO });
    return { members, taps };
  });
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const inputs = args.slice(0, maps.length) as tf.Tensor4D[];
    const out = new Float32Array(count * size * size * channels);
    plans.forEach((plan, li) => {
      if (plan.members.length > 0) accumulate(plan.members, plan.taps, size, channels, inputs[li]!.dataSync() as Float32Array, out, false);
    });
    return {
      value: tf.tensor4d(out, [count, size, size, channels]),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const g = (dy as tf.Tensor).dataSync() as Float32Array;
        return plans.map((plan, li) => {
          const [b, h, w] = inputs[li]!.shape;
          const dx = new Float32Array(b * h * w * channels);
          if (plan.members.length > 0) accumulate(plan.members, plan.taps, size, channels, dx, g, true);
          return tf.tensor4d(dx, [b, h, w, channels]);
        });
      },
    };
  });
  return op(...maps) as tf.Tensor4D;
}

/**
 * The RoIAlign sum of one level's RoIs: `out[cell] += w · features[pixel]` for every (cell, pixel,
 * w) of the taps, or with `scatter` the adjoint `features[pixel] += w · out[cell]` (the gradient).
 * `members[m]` is the output row (box order) of the level's m-th RoI.
 */
function accumulate(
  members: readonly number[],
  taps: ReturnType<typeof roiAlignAxisTaps>,
  size: number,
  channels: number,
  features: Float32Array,
  out: Float32Array,
  scatter: boolean,
): void {
  const { slots, base, rows, rowWeights, rowCount, cols, colWeights, colCount } = taps;
  for (let m = 0; m < members.length; m++) {
    const cellBase = members[m]! * size * size;
    for (let i = 0; i < size; i++) {
      const ra = (m * size + i) * slots;
      const rn = rowCount[m * size + i]!;
      for (let j = 0; j < size; j++) {
        const ca = (m * size + j) * slots;
        const cn = colCount[m * size + j]!;
        const o = (cellBase + i * size + j) * channels;
        for (let p = 0; p < rn; p++) {
          const rowOffset = base[m]! + rows[ra + p]!;
          const wy = rowWeights[ra + p]!;
          for (let q = 0; q < cn; q++) {
            const wt = wy * colWeights[ca + q]!;
            const f = (rowOffset + cols[ca + q]!) * channels;
            if (scatter) for (let c = 0; c < channels; c++) features[f + c] += wt * out[o + c]!;
            else for (let c = 0; c < channels; c++) out[o + c] += wt * features[f + c]!;
          }
        }
      }
    }
  }
}
