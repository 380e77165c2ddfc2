import * as tf from '@tensorflow/tfjs-core';

/**
 * Seeded weight initialisers. Each receives the variable's shape and a 32-bit seed derived from
 * the model seed and the variable's name (see {@link ParamStore}), so a variable's initial value
 * depends only on (seed, name, shape): adding a layer elsewhere never changes it.
 */
export type Initializer = (shape: number[], seed: number) => tf.Tensor;

/** Fan-in and fan-out of a conv kernel `[kh, kw, in, out]` (or `[kh, kw, C, 1]` depthwise), as Keras' VarianceScaling counts them. */
export function fans(shape: number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: receptive * shape[shape.length - 2], fanOut: receptive * shape[shape.length - 1] };
}

/** All zeros (biases, batch-norm β and moving mean). */
export const zeros: Initializer = (shape) => tf.zeros(shape);
/** All ones (batch-norm γ and moving variance, fusion weights). */
export const ones: Initializer = (shape) => tf.ones(shape);
/** A constant. */
export const constant =
  (value: number): Initializer =>
  (shape) =>
    tf.fill(shape, value);

/** Gaussian N(0, std²), e.g. the σ = 0.01 of RetinaNet's heads (RetinaNet §4.1 "Initialization"). */
export const normal =
  (std: number): Initializer =>
  (shape, seed) =>
    tf.randomNormal(shape, 0, std, 'float32', seed);

/**
 * He et al. 2015 ("Delving Deep into Rectifiers", §2.2): N(0, 2/fan) for ReLU-like nets, drawn from a
 * normal truncated at 2σ. `fan_out` as torchvision's ResNet and the EfficientNet reference use.
 */
export const heNormal =
  (mode: 'fanIn' | 'fanOut' = 'fanOut'): Initializer =>
  (shape, seed) => {
    const fan = fans(shape)[mode];
    // A normal truncated at ±2σ has variance 0.7737·σ²; divide it out so Var = 2 / fan.
    return tf.truncatedNormal(shape, 0, Math.sqrt(2 / fan) / 0.87962566103423978, 'float32', seed);
  };

/** Glorot & Bengio 2010: U(−a, a), a = √(6 / (fan_in + fan_out)); for the FPN/BiFPN convs (no ReLU before them). */
export const glorotUniform: Initializer = (shape, seed) => {
  const { fanIn, fanOut } = fans(shape);
  const a = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -a, a, 'float32', seed);
};
