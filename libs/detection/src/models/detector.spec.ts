import * as tf from '@tensorflow/tfjs-core';
import type { DetectorConfig } from '../config';
import { buildOneStageDetector as buildDetector } from './build-detector';
import type { OneStageDetector } from './one-stage-detector';
import { tinyEfficientDet, tinyRetinaNet, useTestBackend } from './testing/tiny-configs';

beforeAll(useTestBackend);

/** Builds, runs one inference forward pass on a [1, S, S, 3] input, and returns the output shapes. */
function outputShapes(config: DetectorConfig): { anchors: number; classLogits: number[]; boxDeltas: number[] } {
  const d = buildDetector(config, { seed: 1 });
  try {
    const x = tf.zeros([1, d.inputSize, d.inputSize, 3]) as tf.Tensor4D;
    const out = d.apply(x, false);
    const shapes = { anchors: d.anchors.length / 4, classLogits: out.classLogits.shape, boxDeltas: out.boxDeltas.shape };
    tf.dispose([x, out.classLogits, out.boxDeltas]);
    return shapes;
  } finally {
    d.dispose();
  }
}

const ARCHS = [
  ['retinanet', tinyRetinaNet],
  ['efficientdet', tinyEfficientDet],
] as const;

describe.each(ARCHS)('%s', (_arch, tiny) => {
  it.each([64, 96, 128])('outputs one row per anchor at input %i', (inputSize) => {
    // P3–P7 sides ceil(S/2^l): S = 96 → 12, 6, 3, 2, 1 → (144 + 36 + 9 + 4 + 1)·9 = 1746 anchors.
    const s = outputShapes(tiny({ inputSize, numClasses: 3 }));
    if (inputSize === 96) expect(s.anchors).toBe(1746);
    expect(s.classLogits).toEqual([1, s.anchors, 3]);
    expect(s.boxDeltas).toEqual([1, s.anchors, 4]);
  });

  it.each([1, 2, 3, 4])('outputs one row per anchor with %i scales per octave', (scalesPerOctave) => {
    const s = outputShapes(tiny({}, { scalesPerOctave, aspectRatios: [0.5, 1, 2] }));
    // S = 64: sides 8, 4, 2, 1, 1 → 86 positions × 3·n anchors.
    expect(s.anchors).toBe(86 * 3 * scalesPerOctave);
    expect(s.classLogits[1]).toBe(s.anchors);
  });

  it.each([[[1]], [[0.25, 0.5, 1, 2, 4]]])('outputs one row per anchor with ratios %j', (aspectRatios) => {
    const s = outputShapes(tiny({}, { aspectRatios, scalesPerOctave: 2 }));
    expect(s.anchors).toBe(86 * 2 * aspectRatios.length);
    expect(s.boxDeltas[1]).toBe(s.anchors);
  });

  it.each([[[3, 4, 5]], [[4, 5, 6]], [[6, 7]], [[3, 5, 7]], [[2, 3, 4, 5, 6]]])('supports levels %j', (levels) => {
    const s = outputShapes(tiny({ inputSize: 96 }, { levels }));
    expect(s.classLogits[1]).toBe(s.anchors);
  });

  it('leaves tf.memory().numTensors unchanged after a forward pass, in training and inference', () => {
    const d = buildDetector(tiny({ numClasses: 2 }), { seed: 1 });
    const x = tf.randomNormal([2, 64, 64, 3]) as tf.Tensor4D;
    for (const training of [true, false]) {
      const before = tf.memory().numTensors;
      const out = d.apply(x, training);
      tf.dispose([out.classLogits, out.boxDeltas]);
      expect(tf.memory().numTensors).toBe(before);
    }
    x.dispose();
    const withModel = tf.memory().numTensors;
    const variables = d.allVariables().size;
    d.dispose();
    expect(withModel - tf.memory().numTensors).toBe(variables);
  });

  it('starts every anchor at foreground probability π = 0.01 (RetinaNet §4.1)', () => {
    const d = buildDetector(tiny({ numClasses: 4 }), { seed: 2 });
    const x = tf.randomNormal([1, 64, 64, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const out = d.apply(x, false);
    const p = tf.tidy(() => tf.sigmoid(out.classLogits).dataSync());
    // bias −log(99) = −4.595; σ(−4.595) = 0.01, and σ = 0.01 weights move the logits only slightly.
    expect(Math.min(...p)).toBeGreaterThan(0.009);
    expect(Math.max(...p)).toBeLessThan(0.011);
    tf.dispose([x, out.classLogits, out.boxDeltas]);
    d.dispose();
  });

  it.each(['batch', 'group', 'none'] as const)('runs with %s norm in the neck and head', (norm) => {
    const s = outputShapes(tiny({ norm }));
    expect(s.classLogits).toEqual([1, s.anchors, 2]);
  });

  it('puts channel a·4 + j of the box predictor at row (y·W + x)·A + a, column j (the anchor order)', () => {
    const d = buildDetector(tiny({}, { scalesPerOctave: 1, aspectRatios: [0.5, 1, 2] }), { seed: 1 });
    // Zero the predictor kernel(s) and set bias k = channel index: the output then reads the channel.
    const vars = d.allVariables();
    for (const [name, v] of vars) {
      if (!name.startsWith('head.bbox_subnet.predictor.')) continue;
      if (name.endsWith('bias')) v.assign(tf.range(0, v.shape[0], 1, 'float32'));
      else if (!name.endsWith('depthwise')) v.assign(tf.zerosLike(v));
    }
    const x = tf.randomNormal([1, 64, 64, 3]) as tf.Tensor4D;
    const out = d.apply(x, false);
    const deltas = out.boxDeltas.dataSync();
    const A = 3;
    for (let row = 0; row < d.anchors.length / 4; row++) {
      for (let j = 0; j < 4; j++) expect(deltas[row * 4 + j]).toBe(4 * (row % A) + j);
    }
    tf.dispose([x, out.classLogits, out.boxDeltas]);
    d.dispose();
  });
});

describe('training mode', () => {
  /** Sets every rank-1 `weight` (norm γ) to 1, so that zero-γ residual branches pass gradients too. */
  function unitGammas(d: OneStageDetector): void {
    for (const [name, v] of d.trainableVariables()) if (name.endsWith('.weight') && v.rank === 1) v.assign(tf.onesLike(v));
  }

  it.each([
    // Group norm on the 1×1 maps of P6/P7 at S = 64 needs ≥ 3 channels a group to pass a gradient
    // (with 1 or 2 the normalised values are constants 0 or ±1): 96 channels = 32 groups of 3.
    ['retinanet group norm', tinyRetinaNet({ norm: 'group', fpnChannels: 96 })],
    ['retinanet resnet50', tinyRetinaNet({ backbone: 'resnet50', norm: 'batch', headConvs: 2 })],
    ['efficientdet fast', tinyEfficientDet({ fusion: 'fast' })],
    // At S = 64 P7 = maxpool(P6) equals the 1×1 P6, so softmax weights of P6^td have no effect: use 128.
    ['efficientdet softmax', tinyEfficientDet({ fusion: 'softmax', norm: 'none', inputSize: 128 })],
    ['efficientdet sum', tinyEfficientDet({ fusion: 'sum', norm: 'group', fpnChannels: 96 })],
  ] as const)('%s: tf.variableGrads reaches every trainable variable', (_name, config) => {
    const d = buildDetector(config, { seed: 1 });
    unitGammas(d);
    const x = tf.randomNormal([2, d.inputSize, d.inputSize, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    const vars = [...d.trainableVariables()];
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => {
      const out = d.apply(x, true);
      // A loss that depends on every output: Σ logits² + Σ deltas².
      return tf.add(tf.sum(tf.square(out.classLogits)), tf.sum(tf.square(out.boxDeltas))) as tf.Scalar;
    }, vars.map(([, v]) => v));
    const dead = vars
      .filter(([, v]) => grads[v.name] === undefined || tf.tidy(() => tf.max(tf.abs(grads[v.name])).dataSync()[0]) === 0)
      .map(([n]) => n);
    expect(dead).toEqual([]);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before); // the tape's saved tensors are freed too
    x.dispose();
    d.dispose();
  });

  it('updates the batch-norm moving statistics once per training-mode call, never in inference', () => {
    const d = buildDetector(tinyEfficientDet(), { seed: 1 });
    const mean = () => Array.from(d.allVariables().get('head.cls_subnet.0.norm.3.running_mean')!.dataSync());
    const x = tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const m0 = mean();
    tf.dispose(Object.values(d.apply(x, false)));
    expect(mean()).toEqual(m0);
    tf.dispose(Object.values(d.apply(x, true)));
    const m1 = mean();
    expect(m1).not.toEqual(m0);
    // Momentum 0.1 from 0: m1 = 0.1·batch mean; a second identical step: m2 = 0.9·m1 + 0.1·batch = 1.9·m1.
    tf.dispose(Object.values(d.apply(x, true)));
    mean().forEach((v, i) => expect(v).toBeCloseTo(1.9 * m1[i], 5));
    x.dispose();
    d.dispose();
  });
});
