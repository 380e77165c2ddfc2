import * as tf from '@tensorflow/tfjs-core';
import { prefersFusedBatchNorm, useSimdKernels } from '@ablate/engine';
import { onBothBackends } from '@ablate/engine/testing';
import { useTestBackend } from '../models/testing/tiny-configs';
import {
  BatchNorm,
  Conv2d,
  DepthwiseConv2d,
  GroupNorm,
  ParamStore,
  SeparableConv2d,
  activate,
  batchNormTraining,
  convNormAct,
  groupNormGroups,
  heNormal,
  swish,
  upsampleNearest,
  type Activation,
} from './index';

beforeAll(useTestBackend);

describe('upsampleNearest', () => {
  it('repeats rows and columns, and crops to a target size', () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const up = upsampleNearest(x, 2);
    // [[1,2],[3,4]] → each value becomes a 2×2 block.
    expect(Array.from(up.dataSync())).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    const cropped = upsampleNearest(x, 2, [3, 3]);
    expect(Array.from(cropped.dataSync())).toEqual([1, 1, 2, 1, 1, 2, 3, 3, 4]);
    tf.dispose([x, up, cropped]);
  });

  it('has a gradient: each input receives the sum over its copies', () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    // d/dx Σ up(x)[cropped to 3×3]: x00 has 4 copies kept, x01 2 (its right column is cropped), x10 2, x11 1.
    const g = tf.grad((v: tf.Tensor) => tf.sum(upsampleNearest(v as tf.Tensor4D, 2, [3, 3])))(x);
    expect(Array.from(g.dataSync())).toEqual([4, 2, 2, 1]);
    tf.dispose([x, g]);
  });
});

describe('groupNormGroups', () => {
  it('takes 32 groups when 32 divides the channels, else the largest divisor below 32', () => {
    expect(groupNormGroups(256)).toBe(32);
    expect(groupNormGroups(64)).toBe(32);
    expect(groupNormGroups(88)).toBe(22); // 88 = 8·11: divisors ≤ 32 are 1, 2, 4, 8, 11, 22
    expect(groupNormGroups(16)).toBe(16);
    expect(groupNormGroups(40)).toBe(20);
    expect(groupNormGroups(7)).toBe(7);
  });
});

describe('GroupNorm', () => {
  it('gives each (sample, group) zero mean and unit variance', () => {
    const store = new ParamStore(0);
    const gn = new GroupNorm(store.scope('gn'), 4); // 4 groups of 1 channel
    const x = tf.tensor4d([0, 10, 1, 5, 2, 20, 3, 7], [1, 2, 1, 4]);
    const y = gn.apply(x);
    // channel 0 holds {0, 2}: mean 1, var 1 → {−1, 1} (ε = 1e-5 shrinks it by 5e-6).
    const v = y.dataSync();
    expect(v[0]).toBeCloseTo(-1, 4);
    expect(v[4]).toBeCloseTo(1, 4);
    // channel 1 holds {10, 20}: mean 15, σ = 5 → {−1, 1}.
    expect(v[1]).toBeCloseTo(-1, 4);
    expect(v[5]).toBeCloseTo(1, 4);
    tf.dispose([x, y]);
    store.dispose();
  });
});

describe('BatchNorm', () => {
  // 1 channel takes the tf-ops route; 4 channels the fused wasm kernels, which also compute the moving statistics.
  it.each([
    [1, false],
    [4, true],
  ])('uses batch statistics and updates the moving ones in training, and the moving ones in inference (%i channels, fused: %s)', (channels, fused) => {
    const store = new ParamStore(0);
    const bn = new BatchNorm(store.scope('bn'), channels, { momentum: 0.1, epsilon: 0 });
    // Channel k holds (k + 1)·[1, 3, 5, 7]: mean 4(k + 1), biased var 5(k + 1)², unbiased 20/3·(k + 1)².
    const values = [1, 3, 5, 7].flatMap((v) => Array.from({ length: channels }, (_, k) => v * (k + 1)));
    const x = tf.tensor4d(values, [1, 2, 2, channels]);
    expect(prefersFusedBatchNorm(x)).toBe(fused);
    const before = tf.memory().numTensors;
    const y = bn.apply(x, true);
    Array.from({ length: channels }, (_, k) => expect(y.dataSync()[k]).toBeCloseTo(-3 / Math.sqrt(5), 5));
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // moving mean 0.9·0 + 0.1·4(k + 1); moving var 0.9·1 + 0.1·20/3·(k + 1)² (channel 0: 0.4 and 1.5667).
    const movingMean = bn.movingMean.dataSync();
    const movingVar = bn.movingVar.dataSync();
    for (let k = 0; k < channels; k++) {
      expect(movingMean[k]).toBeCloseTo(0.4 * (k + 1), 5);
      expect(movingVar[k]).toBeCloseTo(0.9 + (2 / 3) * (k + 1) ** 2, 4);
    }
    const z = bn.apply(x, false);
    // (1 − 0.4) / √1.5667 = 0.47937; inference leaves the moving statistics alone.
    expect(z.dataSync()[0]).toBeCloseTo(0.6 / Math.sqrt(0.9 + 2 / 3), 5);
    expect(bn.movingMean.dataSync()[0]).toBeCloseTo(0.4, 6);
    expect(store.trainable().size).toBe(2);
    expect([...store.all().keys()]).toEqual(['bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var']);
    tf.dispose([x, z]);
    store.dispose();
  });
});

describe('Conv2d and SeparableConv2d', () => {
  it("pad 'same': output side ceil(side / stride)", () => {
    const store = new ParamStore(0);
    const conv = new Conv2d(store.scope('c'), { inChannels: 3, outChannels: 5, stride: 2 });
    const sep = new SeparableConv2d(store.scope('s'), { inChannels: 3, outChannels: 4, stride: 2 });
    const x = tf.zeros([2, 5, 7, 3]) as tf.Tensor4D;
    const a = conv.apply(x, 'swish');
    const b = sep.apply(x, 'relu');
    expect(a.shape).toEqual([2, 3, 4, 5]); // ceil(5/2) = 3, ceil(7/2) = 4
    expect(b.shape).toEqual([2, 3, 4, 4]);
    expect([...store.all().keys()]).toEqual(['c.weight', 'c.bias', 's.depthwise', 's.pointwise', 's.bias']);
    expect(store.all().get('s.depthwise')!.shape).toEqual([3, 3, 3, 1]);
    tf.dispose([x, a, b]);
    store.dispose();
  });

  it('dilates: a 3×3 kernel at rate 2 reads pixels two apart and keeps the side', () => {
    const store = new ParamStore(0);
    const conv = new Conv2d(store.scope('d'), { inChannels: 1, outChannels: 1, dilation: 2, bias: false });
    conv.weight.assign(tf.tensor4d([0, 0, 0, 0, 0, 1, 0, 0, 0], [3, 3, 1, 1])); // picks the right neighbour
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25], [1, 5, 5, 1]);
    const y = conv.apply(x);
    // Output (0, 0) reads input (0, 0 + 2) = 3; output (0, 3) reads (0, 5), outside → 0.
    expect(y.shape).toEqual([1, 5, 5, 1]);
    expect(Array.from(y.dataSync()).slice(0, 5)).toEqual([3, 4, 5, 0, 0]);
    tf.dispose([x, y]);
    store.dispose();
  });
});

describe('ParamStore', () => {
  it('draws a variable from (seed, name) only, and refuses a name twice', () => {
    const a = new ParamStore(7);
    const b = new ParamStore(7);
    const c = new ParamStore(8);
    const va = a.create('x.weight', [3, 3, 4, 8], heNormal());
    b.create('other', [2], heNormal()); // a different creation order must not matter
    const vb = b.create('x.weight', [3, 3, 4, 8], heNormal());
    const vc = c.create('x.weight', [3, 3, 4, 8], heNormal());
    expect(Array.from(va.dataSync())).toEqual(Array.from(vb.dataSync()));
    expect(Array.from(va.dataSync())).not.toEqual(Array.from(vc.dataSync()));
    expect(() => a.create('x.weight', [1], heNormal())).toThrow(/defined twice/);
    for (const s of [a, b, c]) s.dispose();
  });

  it('He init has variance 2 / fan_out', () => {
    const s = new ParamStore(1);
    // [3, 3, 16, 64]: fan_out = 3·3·64 = 576 → σ² = 2/576 = 0.003472.
    const v = s.create('w', [3, 3, 16, 64], heNormal());
    const variance = tf.tidy(() => tf.moments(v).variance.dataSync()[0]);
    expect(variance).toBeGreaterThan(0.9 * (2 / 576));
    expect(variance).toBeLessThan(1.1 * (2 / 576));
    s.dispose();
  });
});

describe('convNormAct', () => {
  it.each(['linear', 'relu', 'swish'] as const)('folds an inference batch norm into the conv (%s) without changing the result', (act: Activation) => {
    const store = new ParamStore(4);
    const convs = [
      new Conv2d(store.scope('c'), { inChannels: 4, outChannels: 6, stride: 2 }),
      new SeparableConv2d(store.scope('s'), { inChannels: 4, outChannels: 6 }),
      new DepthwiseConv2d(store.scope('d'), 4, 5, 2),
    ];
    const bns = [6, 6, 4].map((c, i) => new BatchNorm(store.scope(`bn${i}`), c, { epsilon: 1e-3 }));
    // Non-trivial statistics and affine parameters, so that the folding is exercised.
    for (const [name, v] of store.all()) {
      if (name.includes('running_var')) v.assign(tf.randomUniform(v.shape, 0.5, 2, 'float32', 1));
      else if (name.startsWith('bn')) v.assign(tf.randomNormal(v.shape, 0, 1, 'float32', 2));
    }
    const x = tf.randomNormal([2, 7, 7, 4], 0, 1, 'float32', 3) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    convs.forEach((conv, i) => {
      const folded = convNormAct(conv, bns[i], x, false, act);
      const reference = tf.tidy(() => activate(bns[i].apply(conv.apply(x), false), act));
      const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(folded, reference))).dataSync()[0]);
      expect(maxDiff).toBeLessThan(1e-4);
      tf.dispose([folded, reference]);
    });
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    store.dispose();
  });
});

describe('batchNormTraining', () => {
  // [2, 3, 5, 4]: 30 rows. [4, 20, 20, 12]: 1,600 rows, more than one block of the fused kernels' sums.
  const shapes: Array<[number, number, number, number]> = [
    [2, 3, 5, 4],
    [4, 20, 20, 12],
  ];
  // The fused wasm kernels (engine/ops/fused-batch-norm.ts) and the tf-ops form they replace.
  it.each(shapes.flatMap((shape) => [true, false].map((fused) => [shape, fused] as const)))(
    'has the value and the gradients of tfjs autodiff through moments + batchNorm (%j, fused kernels: %s)',
    (shape, fused) => {
      expect(tf.tidy(() => prefersFusedBatchNorm(tf.zeros(shape)))).toBe(true); // wasm with the SIMD kernels, C a multiple of 4
      useSimdKernels(fused);
      try {
        checkAgainstAutodiff(shape);
      } finally {
        useSimdKernels(true);
      }
    },
  );
});

function checkAgainstAutodiff(shape: [number, number, number, number]): void {
  const c = shape[3];
  const x = tf.randomNormal(shape, 1, 2, 'float32', 1) as tf.Tensor4D;
  const gamma = tf.randomNormal([c], 1, 0.5, 'float32', 2) as tf.Tensor1D;
  const beta = tf.randomNormal([c], 0, 1, 'float32', 3) as tf.Tensor1D;
  const probe = tf.randomNormal(shape, 0, 1, 'float32', 4); // an arbitrary upstream gradient
  const before = tf.memory().numTensors;
  const ours = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const r = batchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3);
    r.mean.dispose();
    r.variance.dispose();
    return tf.sum(tf.mul(r.y, probe));
  });
  const reference = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(a, [0, 1, 2]);
    return tf.sum(tf.mul(tf.batchNorm4d(a as tf.Tensor4D, mean as tf.Tensor1D, variance as tf.Tensor1D, b as tf.Tensor1D, g as tf.Tensor1D, 1e-3), probe));
  });
  const got = ours([x, gamma, beta]);
  const want = reference([x, gamma, beta]);
  got.forEach((g, i) => {
    // Relative to the gradient's scale: dγ and dβ are sums over up to 1,600 rows.
    const [diff, scale] = tf.tidy(() => [tf.max(tf.abs(tf.sub(g, want[i]))).dataSync()[0]!, tf.max(tf.abs(want[i]!)).dataSync()[0]!]);
    expect(diff / Math.max(1, scale!)).toBeLessThan(1e-4);
  });
  tf.dispose([...got, ...want]);
  expect(tf.memory().numTensors).toBe(before);
  const r = batchNormTraining(x, gamma, beta, 1e-3);
  // channel means and biased variances of x, as tf.moments gives them
  const m = tf.moments(x, [0, 1, 2]);
  expect(Array.from(r.mean.dataSync()).map((v, i) => v - m.mean.dataSync()[i]).every((d) => Math.abs(d) < 1e-5)).toBe(true);
  expect(Array.from(r.variance.dataSync()).map((v, i) => v - m.variance.dataSync()[i]).every((d) => Math.abs(d) < 1e-4)).toBe(true);
  tf.dispose([x, gamma, beta, probe, r.y, r.mean, r.variance, m.mean, m.variance]);
}

describe('swish', () => {
  // Both routes of the gradient: the fused SIMD pass on wasm (5 values: one vector and a scalar tail) and the tf-ops form.
  it.each([true, false])('is x·σ(x) with the gradient σ·(1 + x·(1 − σ)) of autodiff (fused gradient kernel: %s)', (fused) => {
    useSimdKernels(fused);
    try {
      const x = tf.tensor1d([-3, -0.5, 0, 0.5, 3]);
      const y = swish(x);
      // 0.5·σ(0.5) = 0.5·0.622459 = 0.311230; at 0 the value is 0 and the slope σ(0) = 0.5.
      expect(y.dataSync()[3]).toBeCloseTo(0.31123, 5);
      const ours = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(swish(v), tf.range(1, 6))))(x);
      const reference = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.mul(v, tf.sigmoid(v)), tf.range(1, 6))))(x);
      expect(ours.dataSync()[2]).toBeCloseTo(1.5, 6); // upstream 3 × slope 0.5
      Array.from(ours.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(reference.dataSync()[i]!, 6));
      tf.dispose([x, y, ours, reference]);
    } finally {
      useSimdKernels(true);
    }
  });
});

describe('relu', () => {
  // Both routes of the gradient on wasm: the fused SIMD pass (7 values: one vector and a scalar tail) and tfjs's
  // dy·step(x), against the cpu backend. At 0 the slope is 0, as tfjs's step gives it.
  it.each([true, false])('has the gradient dy·[x > 0] of the cpu backend (fused gradient kernel: %s)', async (fused) => {
    useSimdKernels(fused);
    try {
      const [got, want] = await onBothBackends(() =>
        tf.tidy(() => {
          const x = tf.tensor1d([-2, -0.5, 0, 0.25, 1, 3, -1e-30]);
          return { grad: Array.from(tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), tf.range(1, 8))))(x).dataSync()) };
        }),
      );
      expect(got.grad).toEqual([0, 0, 0, 4, 5, 6, 0]);
      expect(got.grad).toEqual(want.grad);
    } finally {
      useSimdKernels(true);
    }
  });

  it('takes the fused kernel on wasm with the SIMD kernels, and tfjs\'s three kernels without', async () => {
    await tf.setBackend('wasm');
    const kernelsOfGradient = async (): Promise<string[]> => {
      const x = tf.tensor2d([[-1, 2, 3, -4, 5]]);
      const profile = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(tf.relu(v)))(x));
      x.dispose();
      return profile.kernels.map((k) => k.name);
    };
    expect(await kernelsOfGradient()).toContain('AblateReluGradient');
    useSimdKernels(false);
    try {
      const names = await kernelsOfGradient();
      expect(names).not.toContain('AblateReluGradient');
      expect(names).toEqual(expect.arrayContaining(['Step', 'Multiply']));
    } finally {
      useSimdKernels(true);
    }
  });
});
