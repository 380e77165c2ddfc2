import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { derivedFilter } from './derived-filters';

describe('derivedFilter', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  /** y = Σ x·w whose gradient asks for the same derived filter `uses` times, counting the builds. */
  function gradientUsingDerived(uses: number, builds: { count: number }) {
    // tfjs types the inputs as (Tensor | GradSaveFunc)[]: the last one is the save function.
    return tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const [x, w, save] = inputs as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
      save([w]);
      return {
        value: tf.sum(tf.mul(x, w)),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const weight = saved[0]!;
          let flipped: tf.Tensor | undefined;
          for (let i = 0; i < uses; i++) {
            flipped = derivedFilter(weight, 'reverse', () => {
              builds.count++;
              return tf.reverse(weight);
            });
          }
          return [tf.mul(dy, tf.reverse(flipped!)), tf.zerosLike(weight)];
        },
      };
    });
  }

  it('builds a filter once per backward pass, frees it with the pass, and rebuilds it in the next', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const w = tf.tensor1d([4, 5, 6]);
    const builds = { count: 0 };
    const f = gradientUsingDerived(3, builds);
    const before = tf.memory().numTensors;
    for (let pass = 1; pass <= 2; pass++) {
      const [gx] = tf.grads((a: tf.Tensor) => f(a, w) as tf.Scalar)([x]);
      expect(Array.from(gx!.dataSync())).toEqual([4, 5, 6]);
      gx!.dispose();
      expect(builds.count).toBe(pass);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([x, w]);
  });

  it('caches nothing outside a backward pass', () => {
    const w = tf.tensor1d([1, 2]);
    let builds = 0;
    const make = () => derivedFilter(w, 'reverse', () => (builds++, tf.reverse(w)));
    tf.tidy(() => {
      make();
      make();
    });
    expect(builds).toBe(2);
    w.dispose();
  });
});
