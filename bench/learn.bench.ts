/**
 * `npm run bench:learn`: do the detectors learn? On the synthetic shapes dataset at 128×128, a small
 * RetinaNet and EfficientDet φ=0 train for a budget of CPU time on one core (the wasm backend is
 * single-threaded, so CPU time is the one-core time however loaded the machine is), evaluated on
 * the validation split every few minutes (the curve; the arms' settings were chosen on it). The goal
 * is reported on the held-out test split (TEST_DATASET: a third, disjoint stream), evaluated once at
 * the end, with the untrained model's test AP as the baseline measured in the same run. Goals (issue 5): RetinaNet AP50 ≥ 0.90 and AP ≥ 0.60, EfficientDet φ=0
 * AP50 ≥ 0.85, within 15 minutes; (issue 7) Faster R-CNN box AP50 ≥ 0.90 and Mask R-CNN box AP50
 * ≥ 0.90 with mask AP50 ≥ 0.85, within 30 minutes; (issue 20) Keypoint R-CNN on synthetic people, its
 * keypoint AP (OKS) ≥ 0.40 and box AP50 ≥ 0.80 within 5 minutes, goals set from its first run.
 *
 * Environment: LEARN_MINUTES (budget per detector, default 15; the two-stage arms 30 unless set), LEARN_EVAL_EVERY (minutes, 3),
 * LEARN_ARMS (comma list of 'retinanet', 'efficientdet', 'faster-rcnn', 'mask-rcnn', 'keypoint-rcnn'), LEARN_OVERRIDE (JSON merged into every
 * arm's RunConfig, for tuning), ABLATE_BACKEND (default wasm).
 * Ends with one line of JSON holding the figures.
 */
import {
  buildDetector,
  evaluateDetector,
  familyOf,
  parseRunConfig,
  trainDetector,
  type Detector,
  type RunConfig,
  type TrainConfig,
} from '@ablate/detection';
import { initBackend } from '@ablate/engine';
import { loadavg } from 'node:os';
import { createTrainSource, evalSourceOf, loadDataset, type Dataset } from '@ablate/data';
import { ARMS, SIZE, TEST_DATASET, mergeConfig } from './learn-arms';
import { finishBench, type Headline } from './record';

const MINUTES = Number(process.env.LEARN_MINUTES ?? 15);
const EVAL_EVERY = Number(process.env.LEARN_EVAL_EVERY ?? 3);
/** CPU minutes between re-sizings of the schedule to the budget left (see runArm). */
const REPLAN_EVERY = 1;
interface Point {
  cpuMinutes: number;
  wallMinutes: number;
  step: number;
  AP: number;
  AP50: number;
  /** Mask AP and AP50 (segm) of a detector with masks. */
  maskAP?: number;
  maskAP50?: number;
  /** Keypoint AP and AP50 (OKS) of a detector with keypoints. */
  keypointAP?: number;
  keypointAP50?: number;
  /** AP of small / medium / large objects (COCO area ranges), to see where AP is lost. */
  APs: number;
  APm: number;
  APl: number;
  /** One-minute load average of the machine when the point was taken. */
  load: number;
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

type Scores = Pick<Point, 'AP' | 'AP50' | 'APs' | 'APm' | 'APl' | 'maskAP' | 'maskAP50' | 'keypointAP' | 'keypointAP50'>;

async function evaluate(detector: Detector, val: Dataset): Promise<Scores> {
  const { coco, segm, keypoints } = await evaluateDetector(detector, evalSourceOf(val, { inputSize: detector.inputSize, batchSize: 16 }));
  // Mask R-CNN: the mask AP (segm) beside the box AP; Keypoint R-CNN: the keypoint AP.
  const masks = segm ? { maskAP: segm.stats.AP, maskAP50: segm.stats.AP50 } : {};
  const poses = keypoints ? { keypointAP: keypoints.stats.AP, keypointAP50: keypoints.stats.AP50 } : {};
  const { AP, AP50, APs, APm, APl } = coco.stats;
  return { AP, AP50, APs, APm, APl, ...masks, ...poses };
}

/** Trains one arm for the CPU budget, evaluating every EVAL_EVERY minutes; returns its curve. */
async function runArm(config: RunConfig, log: (s: string) => void, minutes = MINUTES, testDataset = TEST_DATASET) {
  const [train, val, test] = await Promise.all([loadDataset(config.dataset.train), loadDataset(config.dataset.val), loadDataset(testDataset)]);
  const detector = buildDetector(config, { seed: config.seed });
  let parameters = 0;
  for (const v of detector.trainableVariables().values()) parameters += v.size;
  const baseline = await evaluate(detector, test);
  log(`  ${parameters} parameters, ${detector.anchors.length / 4} anchors; untrained AP ${baseline.AP.toFixed(4)} AP50 ${baseline.AP50.toFixed(4)}`);
  const source = createTrainSource(train, {
    inputSize: detector.inputSize,
    batchSize: config.train.batchSize,
    seed: config.seed,
    augment: config.train.augment,
    masks: familyOf(config.model.arch).targets.masks,
    keypoints: familyOf(config.model.arch).targets.keypoints,
  });

  const budget = minutes * 60;
  let trainCpu = 0; // CPU seconds spent in training (evaluation excluded)
  const wall0 = Date.now();
  let checkpoint: Uint8Array | undefined;
  let step = 0;
  let lastLoss = NaN;
  const curve: Point[] = [];
  // Calibrate: 12 steps with a provisional total, then size the schedule to the budget. The cost of a
  // step follows the machine's load (a busy shared machine makes each CPU second do less work), so
  // the schedule is re-sized every REPLAN_EVERY CPU minutes from the latest steps' cost: the cosine
  // then ends at the budget instead of being cut short or finishing minutes early.
  let trainCfg: TrainConfig = { ...config.train, steps: 1_000_000 };
  let nextEval = 0;
  let calibrationStart = 0;
  for (let round = 0; ; round++) {
    const stopAt = round === 0 ? 12 : Infinity;
    const startCpu = cpuSeconds();
    const startStep = step;
    const limit = round === 0 ? Infinity : Math.min(budget, nextEval, trainCpu + REPLAN_EVERY * 60);
    const result = await trainDetector({
      detector,
      source,
      train: trainCfg,
      seed: config.seed,
      resumeFrom: checkpoint,
      hooks: {
        onProgress: (p) => {
          step = p.step;
          if (round === 0 && p.step === 2) calibrationStart = cpuSeconds();
          lastLoss = p.loss;
          const parts = Object.entries(p.parts).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
          if (p.step % 25 === 0) log(`  step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)} (${parts}) lr ${p.lr.toExponential(2)}`);
        },
        onCheckpoint: (bytes) => {
          checkpoint = bytes;
        },
        shouldStop: () => step >= stopAt || trainCpu + (cpuSeconds() - startCpu) >= limit,
      },
    });
    const roundCpu = cpuSeconds() - startCpu;
    trainCpu += roundCpu;
    if (result.status === 'diverged') throw new Error(`diverged at step ${result.step}`);
    if (round === 0) {
      // Steps 3…12 only: the first steps pay for kernel set-up and would shorten the schedule.
      const perStep = (cpuSeconds() - calibrationStart) / (step - 2);
      trainCfg = { ...config.train, steps: Math.max(step + 1, Math.floor(budget / perStep)) };
      nextEval = Math.min(budget, EVAL_EVERY * 60);
      log(`  ${perStep.toFixed(2)} CPU s/step → schedule of ${trainCfg.steps} steps for ${minutes} min`);
      continue;
    }
    const done = result.status === 'completed' || trainCpu >= budget - 1;
    if (!done && step - startStep >= 5) {
      const perStep = roundCpu / (step - startStep);
      const steps = Math.max(step + 1, step + Math.floor((budget - trainCpu) / perStep));
      if (steps !== trainCfg.steps) log(`  ${perStep.toFixed(2)} CPU s/step at step ${step} → schedule of ${steps} steps (was ${trainCfg.steps})`);
      trainCfg = { ...trainCfg, steps };
    }
    if (!done && trainCpu < nextEval - 1) continue;
    const ap = await evaluate(detector, val);
    const point = { cpuMinutes: trainCpu / 60, wallMinutes: (Date.now() - wall0) / 60000, step, ...ap, load: +loadavg()[0].toFixed(1) };
    curve.push(point);
    if (ap.maskAP50 !== undefined) log(`    mask AP ${ap.maskAP!.toFixed(4)} mask AP50 ${ap.maskAP50.toFixed(4)}`);
    if (ap.keypointAP50 !== undefined) log(`    keypoint AP ${ap.keypointAP!.toFixed(4)} keypoint AP50 ${ap.keypointAP50.toFixed(4)}`);
    log(`  ${point.cpuMinutes.toFixed(1)} CPU min (${point.wallMinutes.toFixed(1)} wall, load ${point.load}) step ${step} loss ${lastLoss.toFixed(3)}: AP ${ap.AP.toFixed(4)} AP50 ${ap.AP50.toFixed(4)} (APs ${ap.APs.toFixed(3)}, APm ${ap.APm.toFixed(3)}, APl ${ap.APl.toFixed(3)})`);
    if (done) break;
    nextEval = Math.min(budget, nextEval + EVAL_EVERY * 60);
  }
  const heldOut = await evaluate(detector, test);
  log(`  held-out test split: AP ${heldOut.AP.toFixed(4)} AP50 ${heldOut.AP50.toFixed(4)} (val: AP ${curve[curve.length - 1].AP.toFixed(4)} AP50 ${curve[curve.length - 1].AP50.toFixed(4)})`);
  detector.dispose();
  return { parameters, baseline, curve, val: curve[curve.length - 1], final: { ...heldOut, cpuMinutes: trainCpu / 60 }, steps: step, schedule: trainCfg.steps };
}

async function main(): Promise<void> {
  const backend = await initBackend(process.env.ABLATE_BACKEND ?? 'wasm');
  const wanted = (process.env.LEARN_ARMS ?? 'retinanet,efficientdet').split(',');
  const override = process.env.LEARN_OVERRIDE ? JSON.parse(process.env.LEARN_OVERRIDE) : {};
  const figures: Record<string, unknown> = { backend: backend.backend, budgetMinutes: MINUTES, size: SIZE };
  for (const arm of ARMS.filter((a) => wanted.includes(a.name))) {
    const config = parseRunConfig(mergeConfig(arm.config, override));
    console.log(`\n${arm.name}: ${JSON.stringify(config.model)} anchors ${JSON.stringify(config.anchors)} matcher ${JSON.stringify(config.matcher)}`);
    if (config.model.arch === 'efficientdet') {
      const levels = config.anchors.levels;
      const range = `P${levels[0]}–P${levels[levels.length - 1]}`;
      const paper = config.model.backboneWidth === 1 && levels.join(',') === '3,4,5,6,7';
      if (!paper) console.log(`  not the paper's D${config.model.phi}: backbone width ×${config.model.backboneWidth} (paper ×1), levels ${range} (paper P3–P7); BiFPN and heads as EfficientDet Table 1`);
    }
    const minutes = process.env.LEARN_MINUTES !== undefined ? MINUTES : (arm.minutes ?? MINUTES);
    const r = await runArm(config, (s) => console.log(s), minutes, arm.testDataset);
    const met =
      r.final.AP50 >= arm.goal.AP50 &&
      (arm.goal.AP === undefined || r.final.AP >= arm.goal.AP) &&
      (arm.goal.maskAP50 === undefined || (r.final.maskAP50 ?? 0) >= arm.goal.maskAP50) &&
      (arm.goal.keypointAP === undefined || (r.final.keypointAP ?? 0) >= arm.goal.keypointAP);
    if (r.final.maskAP50 !== undefined) {
      console.log(`${arm.name}: mask AP ${r.final.maskAP!.toFixed(4)} mask AP50 ${r.final.maskAP50.toFixed(4)} (untrained mask AP50 ${(r.baseline.maskAP50 ?? 0).toFixed(4)})`);
    }
    if (r.final.keypointAP !== undefined) {
      console.log(
        `${arm.name} (test split): keypoint AP ${r.final.keypointAP.toFixed(4)} keypoint AP50 ${r.final.keypointAP50!.toFixed(4)} ` +
          `(val keypoint AP ${(r.val.keypointAP ?? 0).toFixed(4)}; untrained test keypoint AP ${(r.baseline.keypointAP ?? 0).toFixed(4)})`,
      );
    }
    console.log(
      `${arm.name} (test split): AP ${r.final.AP.toFixed(4)} AP50 ${r.final.AP50.toFixed(4)} after ${r.final.cpuMinutes.toFixed(1)} CPU min ` +
        `(untrained: AP ${r.baseline.AP.toFixed(4)}, AP50 ${r.baseline.AP50.toFixed(4)}; ` +
        `AP50 ×${(r.final.AP50 / Math.max(r.baseline.AP50, 1e-4)).toFixed(0)}); goal ${JSON.stringify(arm.goal)} ${met ? 'met' : 'NOT met'}`,
    );
    figures[arm.name] = {
      split: 'test',
      AP: r.final.AP,
      AP50: r.final.AP50,
      val: { AP: r.val.AP, AP50: r.val.AP50 },
      ...(r.final.maskAP50 !== undefined ? { maskAP: r.final.maskAP, maskAP50: r.final.maskAP50, untrainedMaskAP50: r.baseline.maskAP50 } : {}),
      ...(r.final.keypointAP !== undefined
        ? { keypointAP: r.final.keypointAP, keypointAP50: r.final.keypointAP50, valKeypointAP: r.val.keypointAP, untrainedKeypointAP: r.baseline.keypointAP }
        : {}),
      untrainedAP: r.baseline.AP,
      untrainedAP50: r.baseline.AP50,
      ap50VsUntrained: r.final.AP50 / Math.max(r.baseline.AP50, 1e-4),
      goal: arm.goal,
      met,
      budgetMinutes: minutes,
      steps: r.steps,
      parameters: r.parameters,
      curve: r.curve.map((p) => ({ ...p, cpuMinutes: +p.cpuMinutes.toFixed(2), wallMinutes: +p.wallMinutes.toFixed(2) })),
      config: { model: config.model, anchors: config.anchors, matcher: config.matcher, ...(config.keypoints ? { keypoints: config.keypoints } : {}), train: { ...config.train, steps: r.schedule } },
    };
  }
  finishBench('learn', learnHeadlines(figures), figures);
}

/** Each arm's held-out test AP50 and AP against its untrained test AP (the same run's baseline). */
function learnHeadlines(figures: Record<string, unknown>): Headline[] {
  return ARMS.filter((arm) => figures[arm.name] !== undefined).map((arm) => {
    const f = figures[arm.name] as {
      AP: number;
      AP50: number;
      untrainedAP50: number;
      met: boolean;
      budgetMinutes: number;
      steps: number;
      val: { AP50: number };
      keypointAP?: number;
      valKeypointAP?: number;
      untrainedKeypointAP?: number;
    };
    const poses = f.keypointAP === undefined ? '' : `keypoint AP ${f.keypointAP.toFixed(3)} (val ${(f.valKeypointAP ?? 0).toFixed(3)}); box `;
    return {
      figure: `${arm.name} learns synthetic ${arm.testDataset === undefined ? 'shapes' : 'people'} in ${f.budgetMinutes} CPU min (${f.steps} steps): held-out test split`,
      value: `${poses}AP50 ${f.AP50.toFixed(3)}, AP ${f.AP.toFixed(3)} (val AP50 ${f.val.AP50.toFixed(3)})`,
      baseline: `untrained test ${f.untrainedKeypointAP === undefined ? '' : `keypoint AP ${f.untrainedKeypointAP.toFixed(3)}, `}AP50 ${f.untrainedAP50.toFixed(3)}`,
      goal: Object.entries(arm.goal).map(([metric, at]) => `${metric} ≥ ${at}`).join(', '),
      met: f.met,
    };
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
