/**
 * `npm run bench:models`: speed choices of libs/detection/src/models and nn, each measured against
 * its alternative in the same run on the wasm backend (the one CPU workers train on):
 *
 * 1. batch norm folded into the preceding convolution at inference (`convNormAct`) against conv
 *    then a separate BatchNorm kernel, on three layers of the CPU-sized detectors at batch 8:
 *    a ResNet 3×3 conv (32→32, 32×32, ReLU), an MBConv 1×1 expansion (24→144, 32×32, swish) and an
 *    MBConv 3×3 depthwise conv (144, 32×32, swish);
 * 2. batch norm in training (forward on the tape + backward): `batchNormTraining` (hand-written
 *    gradient; fused kernels on wasm) against tfjs's autodiff of `moments` + `batchNorm`,
 *    on [8, 32, 32, 144] (an MBConv expansion at 128 px);
 *    and its building block, a per-channel sum of [8192, 96]: `tf.sum(x, 0)` (the engine's kernel, used
 *    today) against `ones[1, N]·x` (used before that kernel; the row once showed it 55.9× faster);
 * 3. swish forward + backward on [8, 32, 32, 144]: autodiff of x·σ(x) against `nn.swish`
 *    (hand-written gradient);
 * 4. nearest ×2 upsampling by reshape + broadcast add (ours, with a gradient on every backend)
 *    against `tf.image.resizeNearestNeighbor` (no gradient kernel on wasm), forward only, on
 *    [8, 16, 16, 64];
 * 5. the two detectors of `bench:learn` at 128×128, batch 8: inference forward and one training
 *    step (forward on the tape + backward), to show where training time goes.
 *
 * Alternatives are interleaved (A B A B …) and medians of 7 reported, so a busy machine slows
 * both alike. Ends with its headlines and one line of JSON (bench/record.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { DetectorConfigSchema, buildDetector, nn } from '@ablate/detection';
import { initBackend } from '@ablate/engine';
import { finishBench, times } from './record';

const RUNS = 7;

/** Median wall time in ms of each function, run interleaved RUNS times after one warm-up each. */
function timeInterleaved(fns: Array<() => tf.Tensor | tf.Tensor[]>): number[] {
  const run = (f: () => tf.Tensor | tf.Tensor[]) => {
    const t = performance.now();
    tf.tidy(() => {
      const out = f();
      for (const o of Array.isArray(out) ? out : [out]) o.dataSync();
    });
    return performance.now() - t;
  };
  fns.forEach(run);
  const times = fns.map(() => [] as number[]);
  for (let r = 0; r < RUNS; r++) fns.forEach((f, i) => times[i].push(run(f)));
  return times.map((ts) => ts.sort((a, b) => a - b)[Math.floor(ts.length / 2)]);
}

function foldFigures(): Record<string, { unfoldedMs: number; foldedMs: number; speedup: number }> {
  const store = new nn.ParamStore(1);
  const cases = {
    resnetConv3x3: { conv: new nn.Conv2d(store.scope('a'), { inChannels: 32, outChannels: 32, bias: false }), c: 32, inC: 32, act: 'relu' },
    mbconvExpand1x1: { conv: new nn.Conv2d(store.scope('b'), { inChannels: 24, outChannels: 144, kernelSize: 1, bias: false }), c: 144, inC: 24, act: 'swish' },
    mbconvDepthwise3x3: { conv: new nn.DepthwiseConv2d(store.scope('c'), 144, 3), c: 144, inC: 144, act: 'swish' },
  } as const;
  const out: Record<string, { unfoldedMs: number; foldedMs: number; speedup: number }> = {};
  for (const [name, k] of Object.entries(cases)) {
    const bn = new nn.BatchNorm(store.scope(`${name}.bn`), k.c);
    const x = tf.randomNormal([8, 32, 32, k.inC], 0, 1, 'float32', 1) as tf.Tensor4D;
    const [unfoldedMs, foldedMs] = timeInterleaved([
      () => nn.activate(bn.apply(k.conv.apply(x), false), k.act),
      () => nn.convNormAct(k.conv, bn, x, false, k.act),
    ]);
    out[name] = { unfoldedMs: round(unfoldedMs), foldedMs: round(foldedMs), speedup: round(unfoldedMs / foldedMs) };
    x.dispose();
  }
  store.dispose();
  return out;
}

function batchNormTrainingFigures(): { autodiffMs: number; oursMs: number; speedup: number } {
  const x = tf.randomNormal([8, 32, 32, 144]) as tf.Tensor4D;
  const gamma = tf.ones([144]) as tf.Tensor1D;
  const beta = tf.zeros([144]) as tf.Tensor1D;
  const probe = tf.randomNormal([8, 32, 32, 144]);
  const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, probe));
  const [autodiffMs, oursMs] = timeInterleaved([
    () =>
      tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return loss(tf.batchNorm4d(a as tf.Tensor4D, mean as tf.Tensor1D, variance as tf.Tensor1D, b as tf.Tensor1D, g as tf.Tensor1D, 1e-3));
      })([x, gamma, beta]),
    () =>
      tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const r = nn.batchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3);
        r.mean.dispose();
        r.variance.dispose();
        return loss(r.y);
      })([x, gamma, beta]),
  ]);
  tf.dispose([x, gamma, beta, probe]);
  return { autodiffMs: round(autodiffMs), oursMs: round(oursMs), speedup: round(autodiffMs / oursMs) };
}

/**
 * Batch norm's per-channel sums: `tf.sum(x, 0)`, which the engine's leading-axes Sum kernel serves
 * on wasm and batch norm uses today, against `ones[1, N]·x`, the matrix product batch norm used
 * before that kernel existed (tfjs's own Sum over axis 0 transposes first). `speedup` is of tf.sum.
 */
function channelSumFigures(): { sumAxis0Ms: number; onesMatMulMs: number; speedup: number } {
  const x = tf.randomNormal([8192, 96]) as tf.Tensor2D;
  const ones = tf.ones([1, 8192]) as tf.Tensor2D;
  const [sumAxis0Ms, onesMatMulMs] = timeInterleaved([() => tf.sum(x, 0), () => tf.matMul(ones, x)]);
  tf.dispose([x, ones]);
  return { sumAxis0Ms: round(sumAxis0Ms), onesMatMulMs: round(onesMatMulMs), speedup: round(onesMatMulMs / sumAxis0Ms) };
}

function swishFigures(): { autodiffMs: number; oursMs: number; speedup: number } {
  const x = tf.randomNormal([8, 32, 32, 144]);
  const probe = tf.randomNormal([8, 32, 32, 144]);
  const [autodiffMs, oursMs] = timeInterleaved([
    () => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.mul(v, tf.sigmoid(v)), probe)))(x),
    () => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(nn.swish(v), probe)))(x),
  ]);
  tf.dispose([x, probe]);
  return { autodiffMs: round(autodiffMs), oursMs: round(oursMs), speedup: round(autodiffMs / oursMs) };
}

function upsampleFigures(): { resizeMs: number; oursMs: number; ratio: number } {
  const x = tf.randomNormal([8, 16, 16, 64]) as tf.Tensor4D;
  const [resizeMs, oursMs] = timeInterleaved([() => tf.image.resizeNearestNeighbor(x, [32, 32]), () => nn.upsampleNearest(x, 2)]);
  x.dispose();
  return { resizeMs: round(resizeMs), oursMs: round(oursMs), ratio: round(oursMs / resizeMs) };
}

const DETECTORS = {
  retinanet: { arch: 'retinanet', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, headConvs: 2 },
  efficientdet: { arch: 'efficientdet', phi: 0, backboneWidth: 0.5 },
} as const;

function detectorFigures(): Record<string, { params: number; inferMsPerImage: number; stepMsPerImage: number; stepOverInfer: number }> {
  const out: Record<string, { params: number; inferMsPerImage: number; stepMsPerImage: number; stepOverInfer: number }> = {};
  for (const [name, model] of Object.entries(DETECTORS)) {
    const d = buildDetector(DetectorConfigSchema.parse({ model: { ...model, inputSize: 128, numClasses: 7 } }), { seed: 1 });
    const x = tf.randomNormal([8, 128, 128, 3]) as tf.Tensor4D;
    const vars = [...d.trainableVariables().values()];
    const [inferMs, stepMs] = timeInterleaved([
      () => Object.values(d.apply(x, false)),
      () => {
        const { value, grads } = tf.variableGrads(() => {
          const o = d.apply(x, true);
          return tf.add(tf.mean(tf.sigmoid(o.classLogits)), tf.mean(tf.square(o.boxDeltas))) as tf.Scalar;
        }, vars);
        return [value, ...Object.values(grads)];
      },
    ]);
    out[name] = { params: d.countParameters(), inferMsPerImage: round(inferMs / 8), stepMsPerImage: round(stepMs / 8), stepOverInfer: round(stepMs / inferMs) };
    x.dispose();
    d.dispose();
  }
  return out;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

async function main(): Promise<void> {
  await initBackend('wasm');
  const fold = foldFigures();
  console.log('batch norm folded into the conv at inference (median ms, batch 8):');
  for (const [k, v] of Object.entries(fold)) console.log(`  ${k.padEnd(20)} unfolded ${v.unfoldedMs} ms, folded ${v.foldedMs} ms: ×${v.speedup}`);
  const bnTrain = batchNormTrainingFigures();
  console.log(`batch norm training step [8,32,32,144]: autodiff ${bnTrain.autodiffMs} ms, hand-written gradient ${bnTrain.oursMs} ms: ×${bnTrain.speedup}`);
  const colSum = channelSumFigures();
  console.log(`per-channel sum [8192,96]: ones·x ${colSum.onesMatMulMs} ms, tf.sum(x, 0) (engine kernel) ${colSum.sumAxis0Ms} ms: ×${colSum.speedup}`);
  const sw = swishFigures();
  console.log(`swish forward + backward [8,32,32,144]: autodiff ${sw.autodiffMs} ms, hand-written gradient ${sw.oursMs} ms: ×${sw.speedup}`);
  const up = upsampleFigures();
  console.log(`nearest ×2 upsampling [8,16,16,64]: resizeNearestNeighbor ${up.resizeMs} ms, reshape+broadcast ${up.oursMs} ms (ratio ${up.ratio})`);
  const det = detectorFigures();
  for (const [k, v] of Object.entries(det)) {
    console.log(`${k}: ${v.params} params, inference ${v.inferMsPerImage} ms/image, training step ${v.stepMsPerImage} ms/image (×${v.stepOverInfer} inference)`);
  }
  const foldRange = Object.values(fold).map((v) => v.speedup);
  finishBench('models', [
    { figure: 'batch norm folded into the conv at inference (3 layers, batch 8)', value: `${times(Math.min(...foldRange))}–${times(Math.max(...foldRange))}`, baseline: 'conv then a separate batch norm kernel', goal: null, met: null },
    { figure: 'batch norm training step [8,32,32,144], hand-written gradient', value: times(bnTrain.speedup), baseline: `tfjs autodiff of moments + batchNorm: ${bnTrain.autodiffMs} ms`, goal: null, met: null },
    { figure: "per-channel sum [8192,96] by tf.sum (the engine's leading-axes kernel, what batch norm uses)", value: times(colSum.speedup), baseline: `ones·x, batch norm's choice before that kernel: ${colSum.onesMatMulMs} ms`, goal: null, met: null },
    { figure: 'swish forward + backward [8,32,32,144], hand-written gradient', value: times(sw.speedup), baseline: `autodiff of x·σ(x): ${sw.autodiffMs} ms`, goal: null, met: null },
    { figure: 'nearest ×2 upsampling [8,16,16,64] by reshape + broadcast (time ratio)', value: times(up.ratio), baseline: `resizeNearestNeighbor: ${up.resizeMs} ms`, goal: null, met: null },
    ...Object.entries(det).map(([k, v]) => ({ figure: `${k} at 128 px, batch 8: training step / inference`, value: times(v.stepOverInfer), baseline: `inference ${v.inferMsPerImage} ms/image`, goal: null, met: null })),
  ], { backend: tf.getBackend(), foldBatchNorm: fold, batchNormTraining: bnTrain, channelSum: colSum, swish: sw, upsample: up, detectors128: det });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
