import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';

/*
 * The gradients of Sum and Mean as tfjs computes them (dy broadcast back over the reduced axes),
 * with the broadcasting operand made by the backend's Fill kernel instead of `tf.ones`, which fills
 * a JavaScript array one element at a time and then copies it to the backend: 1.7 ms of every
 * conv-stack step in bench:engine (its loss is a mean over [4, 32, 32, 64]), and a detector's loss
 * sums over every anchor and class. Registered for every backend when the engine starts.
 */

/** dy reshaped to x's rank, with 1 on the reduced axes. */
function expandedDy(dy: tf.Tensor, x: tf.Tensor, axes: number[]): tf.Tensor {
  const shape = x.shape.slice();
  for (const axis of axes) shape[axis] = 1;
  return tf.reshape(dy, shape);
}

function reducedAxes(x: tf.Tensor, attrs: NamedAttrMap): number[] {
  return util.parseAxisParam(attrs.axis as number | number[], x.shape);
}

export const sumGradConfig: GradConfig = {
  kernelName: 'Sum',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    return { x: () => tf.mul(expandedDy(dy as tf.Tensor, x, reducedAxes(x, attrs)), tf.fill(x.shape, 1)) };
  },
};

export const meanGradConfig: GradConfig = {
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const axes = reducedAxes(x, attrs);
    const reduceSize = axes.reduce((n, axis) => n * x.shape[axis]!, 1);
    return { x: () => tf.mul(expandedDy(dy as tf.Tensor, x, axes), tf.fill(x.shape, 1 / reduceSize)) };
  },
};
