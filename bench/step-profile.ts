/**
 * Where a training step of a `bench:learn` detector spends its time (not an `npm run` bench: a
 * diagnostic). Builds the arm's model (bench/learn-arms.ts) at 128×128, batch 8 (env BS), takes one batch of synthetic
 * shapes, then measures the CPU seconds of a training-mode forward pass and of forward + backward
 * (a stand-in loss: Σσ(logits) + Σdeltas², so the figures are the network's alone), and prints
 * tfjs's kernel profile of one step grouped by kernel and by kernel + input shapes. Nested kernels
 * (an engine gradient kernel built from forward convolutions) are counted at both levels, so the
 * profile's total exceeds the step.
 *
 *   node -r ./scripts/register.js bench/step-profile.ts efficientdet ['{"anchors":{"levels":[3,4,5,6,7]}}']
 *   SIMD=0 … (the XNNPACK filter-gradient routes instead of the engine's SIMD kernels)
 *   STEPS_ONLY=5 node --cpu-prof --cpu-prof-dir=/tmp/prof -r ./scripts/register.js bench/step-profile.ts efficientdet  (a V8 profile)
 */
import * as tf from '@tensorflow/tfjs-core';
import { buildDetector, parseRunConfig } from '@ablate/detection';
import { initBackend, useSimdKernels } from '@ablate/engine';
import { createTrainSource, loadDataset } from '@ablate/data';
import { armNamed, mergeConfig } from './learn-arms';

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function main(): Promise<void> {
  await initBackend('wasm');
  // SIMD=0: the gradient kernels' XNNPACK routes instead of the engine's SIMD kernels, to compare.
  useSimdKernels(process.env.SIMD !== '0');
  const which = process.argv[2] ?? 'efficientdet';
  const over = (process.argv[3] ? JSON.parse(process.argv[3]) : {}) as object;
  // The arm's model, anchors and matcher on a small training set (only one batch is used).
  const small = {
    dataset: { train: 'synthetic:shapes?images=64&size=128&seed=0&split=train', val: 'synthetic:shapes?images=16&size=128&seed=0&split=val' },
    train: { batchSize: Number(process.env.BS ?? 8) },
  };
  const config = parseRunConfig(mergeConfig(mergeConfig(armNamed(which).config, small), over));
  const detector = buildDetector(config, { seed: 0 });
  const source = createTrainSource(await loadDataset(config.dataset.train), { inputSize: 128, batchSize: config.train.batchSize, seed: 0 });
  const batch = (await source.batches(0)[Symbol.asyncIterator]().next()).value!;
  const vars = [...detector.trainableVariables().values()];
  const forward = (): void => {
    tf.tidy(() => {
      const o = detector.apply(batch.images, true);
      tf.add(tf.sum(o.classLogits), tf.sum(o.boxDeltas)).dataSync();
    });
  };
  const step = (): void => {
    const { value, grads } = tf.variableGrads(() => {
      const o = detector.apply(batch.images, true);
      return tf.add(tf.sum(tf.sigmoid(o.classLogits)), tf.sum(tf.square(o.boxDeltas))) as tf.Scalar;
    }, vars);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  const perCall = (f: () => void, n = 3): number => {
    const c = cpuSeconds();
    for (let i = 0; i < n; i++) f();
    return (cpuSeconds() - c) / n;
  };
  step();
  step();
  if (process.env.STEPS_ONLY) {
    // For `node --cpu-prof`: the steps alone, without tf.profile's bookkeeping.
    console.log(`${Number(process.env.STEPS_ONLY)} steps: ${perCall(step, Number(process.env.STEPS_ONLY)).toFixed(3)} CPU s each`);
    detector.dispose();
    await source.close();
    return;
  }
  console.log(`${which} ${JSON.stringify(over)} batch ${config.train.batchSize}: forward (training mode) ${perCall(forward).toFixed(3)} CPU s, forward + backward ${perCall(step).toFixed(3)} CPU s`);
  const profile = await tf.profile(step);
  const groups = new Map<string, { ms: number; calls: number }>();
  const add = (key: string, ms: number): void => {
    const g = groups.get(key) ?? { ms: 0, calls: 0 };
    g.ms += ms;
    g.calls += 1;
    groups.set(key, g);
  };
  for (const k of profile.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    add(k.name, ms);
    add(`${k.name} ${JSON.stringify(k.inputShapes.slice(0, 2))}`, ms);
  }
  const top = (byShape: boolean, n: number): void => {
    const rows = [...groups.entries()].filter(([k]) => k.includes(' ') === byShape).sort((a, b) => b[1].ms - a[1].ms);
    for (const [k, g] of rows.slice(0, n)) console.log(`  ${k.slice(0, 100).padEnd(100)} ${g.ms.toFixed(0).padStart(6)} ms ${String(g.calls).padStart(5)} calls`);
  };
  console.log('by kernel:');
  top(false, 20);
  console.log('by kernel and input shapes:');
  top(true, 25);
  detector.dispose();
  await source.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
