import * as tf from '@tensorflow/tfjs-core';
import { ROI_ALIGN_SAMPLING_RATIO, type RoiConfig } from '../../config';
import { assignFpnLevels, multiLevelRoiAlign, roiAlign, roiPool } from '../../roi';
import { maskRoiAlign } from './mask-pooler';

/**
 * RoI feature extraction over the feature maps of a two-stage detector: RoIAlign (Mask R-CNN §3,
 * 2×2 samples per bin, no quantisation) or RoIPool (Fast R-CNN §2.1, quantised max). On several
 * levels (FPN P2–P5) each RoI goes to level k = ⌊4 + log2(√(wh)/224)⌋ clamped to the levels
 * (FPN eq. 1); on one level (C4) every RoI is pooled from it. Gradients reach the features on
 * every backend; RoIs are constants.
 */
export class RoiPooler {
  /** The feature levels RoIs are pooled from, ascending and contiguous. */
  readonly levels: readonly number[];

  constructor(
    readonly kind: RoiConfig['pooler'],
    levels: readonly number[],
  ) {
    this.levels = [...levels].sort((a, b) => a - b);
    for (let i = 1; i < this.levels.length; i++) {
      if (this.levels[i] !== this.levels[i - 1] + 1) throw new RangeError(`RoiPooler: levels [${this.levels.join(', ')}] are not contiguous`);
    }
  }

  /**
   * `features` by level (at least `levels`), `boxes` flat 4·R XYXY input pixels, `imageIndex` R
   * → `[R, outputSize, outputSize, C]` in box order. Caller owns the result.
   */
  pool(features: ReadonlyMap<number, tf.Tensor4D>, boxes: Float32Array, imageIndex: Int32Array, outputSize: number): tf.Tensor4D {
    const maps = this.levels.map((l) => {
      const f = features.get(l);
      if (f === undefined) throw new RangeError(`RoiPooler: no feature map at level ${l}`);
      return f;
    });
    if (this.kind === 'align') {
      // On backends whose tensors live in host memory (wasm, cpu) the host kernel is several times
      // faster than the gather of R·P²·16 feature rows (and its segment-sum gradient); on a GPU the
      // gather stays on the device.
      if (featuresOnHost()) return maskRoiAlign(maps, this.levels, boxes, imageIndex, outputSize);
      if (maps.length === 1) {
        return roiAlign(maps[0], boxes, imageIndex, { outputSize, spatialScale: 2 ** -this.levels[0], samplingRatio: ROI_ALIGN_SAMPLING_RATIO });
      }
      return multiLevelRoiAlign(maps, boxes, imageIndex, { outputSize, minLevel: this.levels[0], samplingRatio: ROI_ALIGN_SAMPLING_RATIO });
    }
    return this.multiLevelPool(maps, boxes, imageIndex, outputSize);
  }

  /** RoIPool per FPN level (eq. 1), results put back in box order. */
  private multiLevelPool(maps: tf.Tensor4D[], boxes: Float32Array, imageIndex: Int32Array, outputSize: number): tf.Tensor4D {
    const lo = this.levels[0];
    const hi = this.levels[this.levels.length - 1];
    const count = imageIndex.length;
    const assigned = maps.length === 1 ? new Int32Array(count).fill(lo) : assignFpnLevels(boxes, { min: lo, max: hi });
    return tf.tidy(() => {
      const parts: tf.Tensor4D[] = [];
      const position = new Int32Array(count);
      let placed = 0;
      for (let level = lo; level <= hi; level++) {
        const members: number[] = [];
        for (let r = 0; r < count; r++) if (assigned[r] === level) members.push(r);
        if (members.length === 0) continue;
        const levelBoxes = new Float32Array(members.length * 4);
        const levelImages = new Int32Array(members.length);
        members.forEach((r, i) => {
          levelBoxes.set(boxes.subarray(4 * r, 4 * r + 4), 4 * i);
          levelImages[i] = imageIndex[r];
          position[r] = placed + i;
        });
        placed += members.length;
        parts.push(roiPool(maps[level - lo], levelBoxes, levelImages, { outputSize, spatialScale: 2 ** -level }));
      }
      if (parts.length === 0) return tf.zeros([0, outputSize, outputSize, maps[0].shape[3]]) as tf.Tensor4D;
      const stacked = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
      return tf.gather(stacked, tf.tensor1d(position, 'int32')) as tf.Tensor4D;
    });
  }
}

/** Whether the current backend keeps tensors in host memory, where a host loop reads them for free. */
function featuresOnHost(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}
