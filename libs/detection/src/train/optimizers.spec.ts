import * as tf from '@tensorflow/tfjs-core';
import { Optimizer } from './optimizers';
import { hasFusedAdamUpdate, initBackend } from '@ablate/engine';
import { useCpuBackend } from './testing/cpu-backend';

beforeAll(useCpuBackend);

/** Two variables: a rank-2 kernel (decayed) and a rank-1 bias (never decayed). */
function vars(): Map<string, tf.Variable> {
  return new Map<string, tf.Variable>([
    ['kernel', tf.variable(tf.tensor2d([[1, -2]]))],
    ['bias', tf.variable(tf.tensor1d([0.5]))],
  ]);
}
const grads = () =>
  new Map<string, tf.Tensor>([
    ['kernel', tf.tensor2d([[0.5, 0.25]])],
    ['bias', tf.tensor1d([1])],
  ]);
const read = (v: Map<string, tf.Variable>, k: string) => Array.from(v.get(k)!.dataSync());

describe('Optimizer', () => {
  it('SGD with momentum and L2 decay on kernels only', () => {
    const v = vars();
    const opt = new Optimizer({ kind: 'sgd', momentum: 0.9, weightDecay: 0.1 });
    const g = grads();
    opt.apply(v, g, 0.1);
    // kernel: g + 0.1·p = [0.5 + 0.1, 0.25 − 0.2] = [0.6, 0.05]; v1 = that; p = [1 − 0.06, −2 − 0.005]
    expect(read(v, 'kernel')[0]).toBeCloseTo(0.94, 6);
    expect(read(v, 'kernel')[1]).toBeCloseTo(-2.005, 6);
    // bias: no decay; p = 0.5 − 0.1·1 = 0.4
    expect(read(v, 'bias')[0]).toBeCloseTo(0.4, 6);
    opt.apply(v, g, 0.1);
    // bias: v2 = 0.9·1 + 1 = 1.9; p = 0.4 − 0.19 = 0.21
    expect(read(v, 'bias')[0]).toBeCloseTo(0.21, 6);
    expect([...opt.state().keys()].sort()).toEqual(['momentum/bias', 'momentum/kernel']);
    opt.dispose();
    tf.dispose([...v.values(), ...g.values()]);
  });

  it('Adam: first step moves each weight by lr·sign(g)', () => {
    const v = vars();
    const opt = new Optimizer({ kind: 'adam' });
    const g = grads();
    opt.apply(v, g, 0.01);
    // m̂ = g, v̂ = g², step = lr·g/(|g| + 1e-8) ≈ lr·sign(g)
    expect(read(v, 'kernel')[0]).toBeCloseTo(0.99, 6);
    expect(read(v, 'kernel')[1]).toBeCloseTo(-2.01, 6);
    expect(read(v, 'bias')[0]).toBeCloseTo(0.49, 6);
    expect(opt.stepCount).toBe(1);
    opt.dispose();
    tf.dispose([...v.values(), ...g.values()]);
  });

  it('AdamW decays the weights directly, not through the gradient', () => {
    const v = vars();
    const opt = new Optimizer({ kind: 'adamw', weightDecay: 0.5 });
    const g = grads();
    opt.apply(v, g, 0.01);
    // kernel[0]: 1·(1 − 0.01·0.5) − 0.01 = 0.995 − 0.01 = 0.985; bias is rank 1: 0.5 − 0.01 = 0.49
    expect(read(v, 'kernel')[0]).toBeCloseTo(0.985, 6);
    // kernel[1]: −2·0.995 − 0.01 = −2.0
    expect(read(v, 'kernel')[1]).toBeCloseTo(-2.0, 6);
    expect(read(v, 'bias')[0]).toBeCloseTo(0.49, 6);
    opt.dispose();
    tf.dispose([...v.values(), ...g.values()]);
  });

  it('Adam with L2 adds the decay to the gradient (where Adam normalises it away at step 1)', () => {
    const v = new Map<string, tf.Variable>([['kernel', tf.variable(tf.tensor2d([[1]]))]]);
    const opt = new Optimizer({ kind: 'adam', weightDecay: 1 });
    const g = new Map<string, tf.Tensor>([['kernel', tf.tensor2d([[-0.5]])]]);
    opt.apply(v, g, 0.01);
    // g' = −0.5 + 1·1 = 0.5 > 0 → p = 1 − 0.01 = 0.99 (plain Adam would give 1.01)
    expect(read(v, 'kernel')[0]).toBeCloseTo(0.99, 6);
    opt.dispose();
    tf.dispose([...v.values(), ...g.values()]);
  });

  it('restores its state so that the next update is identical', () => {
    const a = vars();
    const b = vars();
    const g = grads();
    const optA = new Optimizer({ kind: 'adam' });
    optA.apply(a, g, 0.01);
    const optB = new Optimizer({ kind: 'adam' });
    optB.load(optA.state(), optA.stepCount);
    b.get('kernel')!.assign(a.get('kernel')!);
    b.get('bias')!.assign(a.get('bias')!);
    optA.apply(a, g, 0.01);
    optB.apply(b, g, 0.01);
    expect(read(b, 'kernel')).toEqual(read(a, 'kernel'));
    expect(read(b, 'bias')).toEqual(read(a, 'bias'));
    optA.dispose();
    optB.dispose();
    tf.dispose([...a.values(), ...b.values(), ...g.values()]);
  });
});

describe('Optimizer on wasm (the fused update of engine/ops/adam-update.ts)', () => {
  afterAll(useCpuBackend);

  /** Five updates of a [3, 7] kernel and a [7] bias with changing gradients; the final weights and moments. */
  function fiveSteps(kind: 'adam' | 'adamw', weightDecay: number): number[][] {
    const v = new Map<string, tf.Variable>([
      ['kernel', tf.variable(tf.tensor2d(Array.from({ length: 21 }, (_, i) => Math.sin(i) * 2), [3, 7]))],
      ['bias', tf.variable(tf.tensor1d(Array.from({ length: 7 }, (_, i) => Math.cos(i))))],
    ]);
    const opt = new Optimizer({ kind, weightDecay });
    const tensorsAfter: number[] = [];
    for (let step = 1; step <= 5; step++) {
      const g = new Map<string, tf.Tensor>([
        ['kernel', tf.tensor2d(Array.from({ length: 21 }, (_, i) => Math.sin(i * step + 1) * 10 ** (i % 4 - 2)), [3, 7])],
        ['bias', tf.tensor1d(Array.from({ length: 7 }, (_, i) => Math.cos(i + step)))],
      ]);
      opt.apply(v, g, 0.01);
      tf.dispose([...g.values()]);
      tensorsAfter.push(tf.memory().numTensors);
    }
    // The update leaks nothing: from the first step on (moments allocated), the count stays put.
    expect(new Set(tensorsAfter).size).toBe(1);
    const out = [read(v, 'kernel'), read(v, 'bias'), ...[...opt.state().values()].map((t) => Array.from(t.dataSync()))];
    opt.dispose();
    tf.dispose([...v.values()]);
    return out;
  }

  it.each([
    ['adam', 0],
    ['adam', 0.05],
    ['adamw', 0.05],
  ] as const)('%s with decay %s matches the tf-ops update of the cpu backend', async (kind, decay) => {
    await useCpuBackend();
    const reference = fiveSteps(kind, decay);
    await initBackend('wasm', { log: () => undefined });
    expect(hasFusedAdamUpdate()).toBe(true);
    const fused = fiveSteps(kind, decay);
    expect(fused.length).toBe(reference.length);
    fused.forEach((values, k) => values.forEach((x, i) => expect(x).toBeCloseTo(reference[k]![i]!, 6)));
  });
});
