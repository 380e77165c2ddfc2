/**
 * Where a training step of the two-stage `bench:learn` arms spends its CPU time (not an `npm run`
 * bench: a diagnostic). Builds the arm's detector from the same RunConfig as bench/learn.bench.ts
 * (faster-rcnn or mask-rcnn), takes real synthetic-shapes batches (augmented as the arm trains),
 * and measures:
 * - the CPU seconds of `tf.variableGrads(() => trainingLoss(batch).total)` per step after warm-up
 *   (no optimiser update, so the step is the gradient alone), and the loss values of a fixed
 *   (seed, step), to compare before and after a change that should be exact;
 * - the host stages of that step timed on their own with the same inputs (RPN targets, proposals
 *   = dataSync + decode + NMS, RoI sampling, box-head targets, mask targets) and the host RoIAlign
 *   kernel (forward, and forward + gradient) on the step's RoIs;
 * - tfjs's kernel profile of one step, grouped by kernel and by kernel + input shapes (the host
 *   RoIAlign is no kernel: it appears only in the gap between the step and the kernels' sum).
 *
 *   node -r ./scripts/register.js bench/two-stage-profile.ts faster-rcnn|mask-rcnn ['{"roi":{"batchPerImage":32}}']
 *
 * The optional JSON is merged into the arm's RunConfig (to measure architecture knobs).
 * Env STEPS (timed steps, default 4).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  boxHeadTargets,
  buildDetector,
  familyOf,
  FasterRcnn,
  maskRoiAlign,
  maskTargetsFromBitmaps,
  parseRunConfig,
  rpnTargets,
  sampleRois,
  seededRandom,
  type TrainBatch,
} from '@ablate/detection';
import { initBackend, variableGradsAsync } from '@ablate/engine';
import { createTrainSource, loadDataset } from '@ablate/data';
import { SIZE, armNamed, mergeConfig } from './learn-arms';
// The host RoIAlign kernel is internal to the two-stage family (not in the library's index).

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Mean CPU seconds of `f` over `n` calls. */
function perCall(f: () => void, n: number): number {
  const c = cpuSeconds();
  for (let i = 0; i < n; i++) f();
  return (cpuSeconds() - c) / n;
}

async function perCallAsync(f: () => Promise<unknown>, n: number): Promise<number> {
  const c = cpuSeconds();
  for (let i = 0; i < n; i++) await f();
  return (cpuSeconds() - c) / n;
}

async function main(): Promise<void> {
  await initBackend('wasm');
  const which = process.argv[2] ?? 'faster-rcnn';
  const over = process.argv[3] ? (JSON.parse(process.argv[3]) as object) : {};
  const steps = Number(process.env.STEPS ?? 4);
  const config = parseRunConfig(mergeConfig(armNamed(which).config, over));
  const detector = buildDetector(config, { seed: 0 });
  if (!(detector instanceof FasterRcnn)) throw new Error('two-stage-profile: not a two-stage detector');
  const masks = familyOf(config.model.arch).targets.masks;
  const source = createTrainSource(await loadDataset(config.dataset.train), {
    inputSize: SIZE,
    batchSize: config.train.batchSize,
    seed: 0,
    augment: config.train.augment,
    masks,
  });
  const batches: TrainBatch[] = [];
  for await (const b of source.batches(0)) {
    batches.push(b);
    if (batches.length === 4) break;
  }
  const vars = [...detector.trainableVariables().values()];
  const lossAt = async (i: number): Promise<{ total: number; parts: Record<string, number> }> => {
    let parts: Record<string, number> = {};
    const { value, grads } = await variableGradsAsync(async () => {
      const l = await detector.trainingLoss(batches[i % batches.length], { step: i + 1, seed: 0 });
      parts = Object.fromEntries(Object.entries(l.parts).map(([k, t]) => [k, t.dataSync()[0]]));
      return l.total;
    }, vars);
    const total = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    return { total, parts };
  };

  console.log(`${which} ${JSON.stringify(over)}: ${detector.anchors.length / 4} anchors, batch ${config.train.batchSize}, ${tf.getBackend()}`);
  // Loss values of fixed (seed, step) and batches: the same before and after an exact change.
  for (let i = 0; i < 2; i++) {
    const l = await lossAt(i);
    console.log(`  loss step ${i + 1}: total ${l.total.toPrecision(8)} ${Object.entries(l.parts).map(([k, v]) => `${k} ${v.toPrecision(8)}`).join(' ')}`);
  }
  const before = tf.memory().numTensors;
  let stepCpu = 0;
  for (let i = 0; i < steps; i++) stepCpu += await perCallAsync(() => lossAt(i), 1);
  stepCpu /= steps;
  const leaked = tf.memory().numTensors - before;
  console.log(`step (variableGrads of trainingLoss): ${stepCpu.toFixed(3)} CPU s (mean of ${steps})${leaked ? `, ${leaked} tensors leaked` : ''}`);

  // The host stages of one step, on their own with the step's inputs.
  const batch = batches[0];
  const { rpn, roi } = detector.config;
  const n = 5;
  const rpnTargetsCpu = perCall(() => {
    rpnTargets(detector.anchors, batch.gtBoxes, { batchPerImage: rpn.batchPerImage, positiveFraction: rpn.positiveFraction, random: seededRandom(0, 1) });
  }, n);
  const feats = detector.features(batch.images, true);
  const rpnOut = detector.rpnHead.apply(feats.rpn);
  const forwardCpu = perCall(() => {
    tf.tidy(() => {
      const f = detector.features(batch.images, true);
      const o = detector.rpnHead.apply(f.rpn);
      o.objectness.dataSync();
    });
  }, 2);
  let proposals = await detector.proposalsOf(rpnOut, true);
  const proposalsCpu = await perCallAsync(async () => {
    proposals = await detector.proposalsOf(rpnOut, true);
  }, n);
  const numProposals = proposals.map((p) => p.boxes.length / 4);
  const random = seededRandom(0, 1);
  const sample = () =>
    batch.gtBoxes.map((gt, b) =>
      sampleRois(proposals[b].boxes, gt, batch.gtLabels[b], {
        batchSize: roi.batchPerImage,
        positiveFraction: roi.positiveFraction,
        foregroundIou: 0.5,
        backgroundIou: [roi.bgLow, 0.5],
        appendGroundTruth: true,
        random,
      }),
    );
  let samples = sample();
  const sampleCpu = perCall(() => {
    samples = sample();
  }, n);
  const targetsCpu = perCall(() => {
    boxHeadTargets(samples, batch.gtBoxes, config.model.numClasses, (detector as unknown as { boxCoder: never }).boxCoder);
  }, n);
  const R = samples.reduce((s, x) => s + x.count, 0);
  const boxes = new Float32Array(R * 4);
  const imageIndex = new Int32Array(R);
  const fgBoxes: number[] = [];
  const fgImage: number[] = [];
  const fgGt: number[] = [];
  let r = 0;
  samples.forEach((s, b) => {
    boxes.set(s.boxes, 4 * r);
    imageIndex.fill(b, r, r + s.count);
    r += s.count;
    for (let i = 0; i < s.count; i++) {
      if (s.labels[i] <= 0) continue;
      fgBoxes.push(...s.boxes.subarray(4 * i, 4 * i + 4));
      fgImage.push(b);
      fgGt.push(s.matchedGt[i]);
    }
  });
  const F = fgImage.length;
  const maskTargetsCpu =
    masks && batch.gtMasks
      ? perCall(() => {
          maskTargetsFromBitmaps(batch.gtMasks!, Float32Array.from(fgBoxes), Int32Array.from(fgImage), Int32Array.from(fgGt), 28);
        }, n)
      : 0;
  const levels = [2, 3, 4, 5];
  const maps = levels.map((l) => feats.roi.get(l)!);
  const alignCost = (bx: Float32Array, idx: Int32Array, size: number): { fwd: number; fwdBwd: number } => {
    const fwd = perCall(() => tf.dispose(maskRoiAlign(maps, levels, bx, idx, size)), 3);
    const fwdBwd = perCall(() => {
      const g = tf.grads((...xs: tf.Tensor[]) => tf.sum(maskRoiAlign(xs as tf.Tensor4D[], levels, bx, idx, size)))(maps);
      tf.dispose(g);
    }, 3);
    return { fwd, fwdBwd };
  };
  const box7 = alignCost(boxes, imageIndex, 7);
  const mask14 = masks && F > 0 ? alignCost(Float32Array.from(fgBoxes), Int32Array.from(fgImage), 14) : undefined;
  tf.dispose([rpnOut.objectness, rpnOut.deltas, ...new Set([...feats.roi.values(), ...feats.rpn])]);

  const ms = (s: number): string => `${(s * 1000).toFixed(1).padStart(8)} ms`;
  console.log('host stages (each on its own, CPU per step):');
  console.log(`  RPN targets (match ${detector.anchors.length / 4} anchors × GT, sample 256/img) ${ms(rpnTargetsCpu)}`);
  console.log(`  proposals (dataSync, per-level top-${rpn.preNmsTopKTrain}, decode, NMS ${rpn.nmsThresh}) ${ms(proposalsCpu)}  [${numProposals.join(', ')} kept of ${rpn.trainProposals}]`);
  console.log(`  RoI sampling (${R} RoIs, ${F} foreground)                 ${ms(sampleCpu)}`);
  console.log(`  box-head targets                                            ${ms(targetsCpu)}`);
  if (masks) console.log(`  mask targets (${F} × 28²)                                   ${ms(maskTargetsCpu)}`);
  console.log(`  host RoIAlign 7×7 on ${R} RoIs: forward ${ms(box7.fwd)}, forward + gradient ${ms(box7.fwdBwd)}`);
  if (mask14) console.log(`  host RoIAlign 14×14 on ${F} RoIs: forward ${ms(mask14.fwd)}, forward + gradient ${ms(mask14.fwdBwd)}`);
  console.log(`  (trunk + RPN head forward, training mode, for scale: ${ms(forwardCpu)})`);

  // The trunk and RPN head alone, forward + backward (a stand-in loss, as bench/step-profile.ts): what
  // the step costs before any RoI work.
  const trunkVars = [...detector.trainableVariables()].filter(([name]) => /^(backbone|neck|rpn)\./.test(name)).map(([, v]) => v);
  const trunkCpu = perCall(() => {
    const { value, grads } = tf.variableGrads(() => {
      const f = detector.features(batch.images, true);
      const o = detector.rpnHead.apply(f.rpn);
      return tf.add(tf.sum(tf.sigmoid(o.objectness)), tf.sum(tf.square(o.deltas))) as tf.Scalar;
    }, trunkVars);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  }, 3);
  console.log(`trunk + RPN head alone, forward + backward (stand-in loss): ${trunkCpu.toFixed(3)} CPU s`);

  const profile = await tf.profile(async () => void (await lossAt(0)));
  const groups = new Map<string, { ms: number; calls: number }>();
  const add = (key: string, t: number): void => {
    const g = groups.get(key) ?? { ms: 0, calls: 0 };
    g.ms += t;
    g.calls += 1;
    groups.set(key, g);
  };
  let kernelMs = 0;
  for (const k of profile.kernels) {
    const t = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    kernelMs += t;
    add(k.name, t);
    add(`${k.name} ${JSON.stringify(k.inputShapes.slice(0, 2))}`, t);
  }
  const top = (byShape: boolean, count: number): void => {
    const rows = [...groups.entries()].filter(([k]) => k.includes(' ') === byShape).sort((a, b) => b[1].ms - a[1].ms);
    for (const [k, g] of rows.slice(0, count)) console.log(`  ${k.slice(0, 100).padEnd(100)} ${g.ms.toFixed(0).padStart(6)} ms ${String(g.calls).padStart(5)} calls`);
  };
  console.log(`tf.profile of one step: ${profile.kernels.length} kernels, Σ kernel time ${kernelMs.toFixed(0)} ms (nested kernels count twice)`);
  console.log('by kernel:');
  top(false, 20);
  console.log('by kernel and input shapes:');
  top(true, 25);
  tf.dispose(batches.flatMap((b) => [b.images]));
  detector.dispose();
  await source.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
