import * as tf from '@tensorflow/tfjs-core';
import { ParamStore } from '../../nn';
import { useTestBackend } from '../testing/tiny-configs';
import { Linear } from './box-head';

beforeAll(useTestBackend);

describe('Linear', () => {
  it.each([true, false])('has the value and the gradients of fused.matMul (relu %s), and leaves no tensor', (relu) => {
    const params = new ParamStore(1);
    const fc = new Linear(params.scope('fc'), 6, 5);
    fc.bias.assign(tf.randomNormal([5], 0, 1, 'float32', 7));
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 8) as tf.Tensor2D;
    const probe = tf.randomNormal([4, 5], 0, 1, 'float32', 9);
    const before = tf.memory().numTensors;
    const reference = (a: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.fused.matMul({ a, b: w, bias: b, activation: relu ? 'relu' : 'linear' });
    const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, probe)) as tf.Scalar;
    const [mine, ref] = tf.tidy(() => [fc.apply(x, relu), reference(x, fc.weight as tf.Tensor2D, fc.bias as tf.Tensor1D)]);
    expect(Array.from(mine.dataSync())).toEqual(Array.from(ref.dataSync()));
    const inputs = [x, fc.weight, fc.bias];
    const gMine = tf.grads((a: tf.Tensor) => loss(fc.apply(a as tf.Tensor2D, relu)))(inputs);
    const gRef = tf.grads((a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => loss(reference(a as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D)))(inputs);
    gMine.forEach((g, i) => {
      expect(g.shape).toEqual(gRef[i]!.shape);
      const r = gRef[i]!.dataSync();
      g.dataSync().forEach((v, j) => expect(v).toBeCloseTo(r[j]!, 5));
    });
    tf.dispose([mine, ref, ...gMine, ...gRef]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, probe]);
    params.dispose();
  });
});
