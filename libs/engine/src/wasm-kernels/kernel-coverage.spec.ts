import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../init-backend';

/**
 * The backward pass of a conv net dispatches backprop kernels (Conv2DBackpropFilter, MaxPoolGrad,
 * ResizeNearestNeighborGrad, …) and UnsortedSegmentSum (the gradient of gather). The cpu backend
 * has all of them; with the engine's kernels registered, wasm must too. Before registration
 * tfjs-backend-wasm 4.22 lacked Conv2DBackpropFilter, both depthwise backprops and
 * UnsortedSegmentSum: the test lists whatever a future tfjs version takes away or adds to cpu only.
 */
const GRADIENT_KERNEL = /Backprop|Grad$|^UnsortedSegmentSum$/;

describe('wasm kernel coverage for training', () => {
  it('has every gradient kernel the cpu backend has', async () => {
    await initBackend('wasm', { log: () => undefined });
    const needed = tf
      .getKernelsForBackend('cpu')
      .map((k) => k.kernelName)
      .filter((name) => GRADIENT_KERNEL.test(name));
    // Sanity: the filter found the convolution backprops, so an empty "missing" list means something.
    expect(needed).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'MaxPoolGrad']));
    const missing = needed.filter((name) => tf.getKernel(name, 'wasm') === undefined);
    expect(missing).toEqual([]);
  });
});
