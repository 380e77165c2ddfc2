import * as tf from '@tensorflow/tfjs-core';
import { useTestBackend } from '../testing/tiny-configs';
import { maskRoiAlign } from './mask-pooler';
import { ROI_ALIGN_SAMPLING_RATIO } from '../../config';
import { multiLevelRoiAlign, roiAlign } from '../../roi';

beforeAll(useTestBackend);

describe('maskRoiAlign (host kernel)', () => {
  it('equals the tensor RoIAlign (multiLevelRoiAlign) on FPN levels, values and gradients, and leaves no tensor', () => {
    const p2 = tf.randomNormal([2, 16, 16, 5], 0, 1, 'float32', 1) as tf.Tensor4D;
    const p3 = tf.randomNormal([2, 8, 8, 5], 0, 1, 'float32', 2) as tf.Tensor4D;
    const p4 = tf.randomNormal([2, 4, 4, 5], 0, 1, 'float32', 3) as tf.Tensor4D;
    const maps = [p2, p3, p4];
    const levels = [2, 3, 4];
    // Small boxes go to P2, a 120-px box to P3, a 270-px one to P4 (FPN eq. 1, canonical 224); some partly outside.
    const boxes = Float32Array.of(3, 4, 20, 30, 0, 0, 120, 120, -20, -20, 250, 250, -5, 40, 30, 70, 40, 2, 44, 9);
    const imageIndex = Int32Array.of(0, 1, 0, 1, 1);
    const reference = (m: tf.Tensor4D[]) => multiLevelRoiAlign(m, boxes, imageIndex, { outputSize: 14, minLevel: 2, samplingRatio: ROI_ALIGN_SAMPLING_RATIO });
    const before = tf.memory().numTensors;
    const [a, b] = tf.tidy(() => [reference(maps), maskRoiAlign(maps, levels, boxes, imageIndex, 14)]);
    expect(b.shape).toEqual([5, 14, 14, 5]);
    const av = a.dataSync();
    const bv = b.dataSync();
    for (let i = 0; i < av.length; i++) expect(bv[i]).toBeCloseTo(av[i]!, 5);
    const probe = tf.randomNormal([5, 14, 14, 5], 0, 1, 'float32', 4);
    const loss = (pool: (...m: tf.Tensor4D[]) => tf.Tensor4D) => (...m: tf.Tensor[]) => tf.sum(tf.mul(pool(...(m as tf.Tensor4D[])), probe));
    const ga = tf.grads(loss((...m) => reference(m)))(maps);
    const gb = tf.grads(loss((...m) => maskRoiAlign(m, levels, boxes, imageIndex, 14)))(maps);
    ga.forEach((g, i) => {
      const x = g.dataSync();
      const y = gb[i]!.dataSync();
      expect(x.some((v) => v !== 0)).toBe(true);
      for (let k = 0; k < x.length; k++) expect(y[k]).toBeCloseTo(x[k]!, 4);
    });
    tf.dispose([a, b, probe, ...ga, ...gb]);
    expect(tf.memory().numTensors).toBe(before);
    expect(maskRoiAlign(maps, levels, new Float32Array(0), new Int32Array(0), 14).shape).toEqual([0, 14, 14, 5]);
    tf.dispose(maps);
  });
  it('equals roiAlign on a single map (C4)', () => {
    const c4 = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const boxes = Float32Array.of(3, 4, 60, 50, 0, 0, 128, 128, 10, 20, 30, 24);
    const imageIndex = Int32Array.of(0, 1, 1);
    const [a, b] = tf.tidy(() => [
      roiAlign(c4, boxes, imageIndex, { outputSize: 7, spatialScale: 2 ** -4, samplingRatio: ROI_ALIGN_SAMPLING_RATIO }),
      maskRoiAlign([c4], [4], boxes, imageIndex, 7),
    ]);
    const av = a.dataSync();
    const bv = b.dataSync();
    for (let i = 0; i < av.length; i++) expect(bv[i]).toBeCloseTo(av[i]!, 5);
    tf.dispose([a, b, c4]);
  });
});
