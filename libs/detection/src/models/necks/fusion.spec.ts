import * as tf from '@tensorflow/tfjs-core';
import { ParamStore } from '../../nn';
import { useTestBackend } from '../testing/tiny-configs';
import { WeightedFusion, type FusionKind } from './fusion';

beforeAll(useTestBackend);

/** Fuses a = 1s and b = 3s with the given raw weights; returns the (constant) output value. */
function fuse(kind: FusionKind, weights: number[]): number {
  const store = new ParamStore(0);
  const fusion = new WeightedFusion(store.scope('f'), 2, kind);
  if (fusion.weight) fusion.weight.assign(tf.tensor1d(weights));
  const value = tf.tidy(() => fusion.apply([tf.ones([1, 2, 2, 1]), tf.fill([1, 2, 2, 1], 3)]).dataSync()[0]);
  store.dispose();
  return value;
}

describe('WeightedFusion (EfficientDet §3.3)', () => {
  it("'fast': ReLU(w)/(ε + Σ ReLU(w)), ε = 1e-4", () => {
    expect(fuse('fast', [1, 1])).toBeCloseTo((1 + 3) / (2 + 1e-4), 6); // 1.99990
    expect(fuse('fast', [-1, 2])).toBeCloseTo((2 * 3) / (2 + 1e-4), 6); // ReLU drops a: 2.99985
  });
  it("'softmax': e^w / Σ e^w", () => {
    expect(fuse('softmax', [0, Math.log(3)])).toBeCloseTo(0.25 * 1 + 0.75 * 3, 5); // 2.5
  });
  it("'sum': plain addition, no weights", () => {
    expect(fuse('sum', [])).toBe(4);
  });
});
