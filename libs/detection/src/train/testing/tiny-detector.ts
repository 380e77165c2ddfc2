import * as tf from '@tensorflow/tfjs-core';
import { generateAnchors } from '../../anchors';
import { DetectorConfigSchema, type DetectorConfigInput } from './config-input';
import { asDenseDetector } from '../../models/dense-detector';
import type { Detector, DetectorOutputs } from '../../models/detector';

/**
 * A test stand-in for a real detector: two stride-2 convolutions, a batch-norm-like layer with a
 * moving mean (non-trainable state), and class/box convolutions on one pyramid level (stride 4).
 * Small enough that a step takes milliseconds on the cpu backend, real enough to learn.
 */
export function buildTinyDetector(input: DetectorConfigInput = {}, seed = 0): Detector {
  const config = DetectorConfigSchema.parse({
    ...input,
    model: { inputSize: 32, numClasses: 2, ...input.model },
    anchors: { levels: [2], scalesPerOctave: 1, aspectRatios: [1], sizeMultiplier: 4, ...input.anchors },
  });
  const inputSize = config.model.inputSize!;
  const C = config.model.numClasses;
  const A = config.anchors.scalesPerOctave * config.anchors.aspectRatios.length;
  const init = (shape: number[], k: number, fanIn: number) =>
    tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed * 7919 + k), true);
  const trainable = new Map<string, tf.Variable>([
    ['stem/conv1/kernel', init([3, 3, 3, 8], 1, 27)],
    ['stem/conv2/kernel', init([3, 3, 8, 8], 2, 72)],
    ['stem/bn/beta', tf.variable(tf.zeros([8]), true)],
    ['head/cls/kernel', init([3, 3, 8, A * C], 3, 72)],
    // RetinaNet §4 prior π = 0.01: −log(99) ≈ −4.595.
    ['head/cls/bias', tf.variable(tf.fill([A * C], -Math.log(99)), true)],
    ['head/box/kernel', tf.variable(tf.mul(tf.randomNormal([3, 3, 8, A * 4], 0, 1, 'float32', seed + 5), 0.01), true)],
  ]);
  const movingMean = tf.variable(tf.zeros([8]), false);
  const all = new Map<string, tf.Variable>([...trainable, ['stem/bn/moving_mean', movingMean]]);
  const { anchors } = generateAnchors(config.anchors, inputSize);
  const v = (name: string) => trainable.get(name)!;

  return asDenseDetector({
    config,
    inputSize,
    anchors,
    apply(images: tf.Tensor4D, training: boolean): DetectorOutputs {
      return tf.tidy(() => {
        const B = images.shape[0];
        let x = tf.relu(tf.conv2d(images, v('stem/conv1/kernel') as tf.Tensor4D, 2, 'same'));
        x = tf.conv2d(x, v('stem/conv2/kernel') as tf.Tensor4D, 2, 'same');
        let mean: tf.Tensor = movingMean;
        if (training) {
          mean = tf.mean(x, [0, 1, 2]);
          const updated = tf.add(tf.mul(movingMean, 0.9), tf.mul(mean, 0.1));
          movingMean.assign(updated);
        }
        x = tf.relu(tf.add(tf.sub(x, mean), v('stem/bn/beta'))) as tf.Tensor4D;
        const cls = tf.add(tf.conv2d(x, v('head/cls/kernel') as tf.Tensor4D, 1, 'same'), v('head/cls/bias'));
        const box = tf.conv2d(x, v('head/box/kernel') as tf.Tensor4D, 1, 'same');
        return {
          classLogits: tf.reshape(cls, [B, -1, C]) as tf.Tensor3D,
          boxDeltas: tf.reshape(box, [B, -1, 4]) as tf.Tensor3D,
        };
      });
    },
    trainableVariables: () => trainable,
    allVariables: () => all,
    dispose() {
      for (const t of all.values()) t.dispose();
    },
  });
}
