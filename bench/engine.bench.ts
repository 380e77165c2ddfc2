/**
 * `npm run bench:engine`: training on the wasm backend (with the gradient kernels of
 * libs/engine, @ablate/engine) against its own forward pass and against the tfjs cpu backend, in
 * one run, on three training graphs:
 *
 * 1. a plain conv stack like the issue's measurement: 4 convolutions 3×3 (3→16/1, 16→32/2,
 *    32→32/1, 32→64/2) with ReLU, 128×128 input, batch 4, ~330 M multiply-adds forward;
 * 2. RetinaNet (ResNet-18, FPN 256, 4-conv heads) from `buildDetector`, 64×64, batch 2;
 * 3. EfficientDet-φ0 (EfficientNet-B0, BiFPN 64×3, separable heads) from `buildDetector`, 64×64, batch 2.
 *
 * The detectors are small (64 px) because the cpu baseline must run the same step: at 128 px a
 * RetinaNet step on the cpu backend takes many minutes on a busy 2-core machine.
 *
 * A step is one Adam step as the trainer takes it: `tf.variableGrads` (forward with the tape,
 * backward), then the project's `Optimizer` (train/optimizers.ts; one fused kernel per variable on
 * wasm). The forward is the same graph in training mode without the tape. Detector losses are a stand-in
 * (mean sigmoid of the class logits + mean square of the box deltas): the heads' outputs and
 * every variable get gradients, and the real focal loss costs little next to the network.
 * wasm: 2 warm-up steps, then medians of 15 steps taken back to back (as training takes them), then medians of 15
 * forwards back to back on the final weights (as inference runs them), in wall time and in this process's CPU time
 * (which a busy shared machine inflates far less: the wasm backend computes on one thread); then the step's CPU time with the
 * engine's SIMD kernels switched off (`useSimdKernels(false)`: the XNNPACK routes), a baseline for them. cpu: 1 step
 * after building (it takes tens of seconds to minutes). `--no-cpu` skips the cpu baseline. Ends with its headlines and one line of JSON (bench/record.ts; `--record` keeps them).
 */
import * as tf from '@tensorflow/tfjs-core';
import { DetectorConfigSchema, Optimizer, buildDetector } from '@ablate/detection';
import { backendInfo, initBackend, useSimdKernels } from '@ablate/engine';
import { finishBench, times, type Headline } from './record';

/** The goals of issue 3: a wasm step at most 3× its forward pass, at least 300× faster than cpu. */
const GOAL_STEP_OVER_FORWARD = 3;
const GOAL_SPEEDUP_OVER_CPU = 300;
const WARMUP_STEPS = 2;
/** Input side of the detector graphs (the smallest the five pyramid levels P3–P7 allow comfortably). */
const DETECTOR_SIZE = 64;
const MEASURED_RUNS = 15;

/** A training graph: variables, a loss, and how to free it. Built on the current backend. */
interface Graph {
  name: string;
  variables: tf.Variable[];
  loss(): tf.Scalar;
  dispose(): void;
}

interface GraphFigures {
  params: number;
  forward_ms: number;
  step_ms: number;
  step_over_forward: number;
  /** The same medians in this process's CPU time: what a busy shared machine does not inflate. */
  forward_cpu_ms: number;
  step_cpu_ms: number;
  step_over_forward_cpu: number;
  cpu_step_ms: number | null;
  speedup_over_cpu: number | null;
  /** The wasm step's CPU time with the engine's SIMD kernels switched off (its XNNPACK routes), and the ratio to it. */
  step_cpu_ms_xnnpack_routes: number;
  speedup_of_simd_kernels: number;
}

function convStack(): Graph {
  const channels: Array<[number, number, number]> = [
    [3, 16, 1],
    [16, 32, 2],
    [32, 32, 1],
    [32, 64, 2],
  ];
  const weights = channels.map(([i, o], k) =>
    tf.variable(tf.randomNormal([3, 3, i, o], 0, Math.sqrt(2 / (9 * i)), 'float32', 100 + k), true, `conv${k}/w`),
  );
  const biases = channels.map(([, o], k) => tf.variable(tf.zeros([o]), true, `conv${k}/b`));
  const images = tf.randomUniform([4, 128, 128, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  return {
    name: 'conv-stack',
    variables: [...weights, ...biases],
    loss: () =>
      tf.tidy(() => {
        let h: tf.Tensor4D = images;
        channels.forEach(([, , stride], k) => {
          h = tf.relu(tf.add<tf.Tensor4D>(tf.conv2d(h, weights[k] as tf.Tensor4D, stride, 'same'), biases[k]!));
        });
        return tf.mean(tf.square(h));
      }),
    dispose: () => tf.dispose([...weights, ...biases, images]),
  };
}

/** Multiply-adds of the conv stack's forward pass: Σ Ho·Wo·9·Cin·Cout·B. */
function convStackMacs(): number {
  // 128²·9·3·16 + 64²·9·16·32 + 64²·9·32·32 + 32²·9·32·64, times batch 4.
  return 4 * (128 * 128 * 9 * 3 * 16 + 64 * 64 * 9 * 16 * 32 + 64 * 64 * 9 * 32 * 32 + 32 * 32 * 9 * 32 * 64);
}

function detectorGraph(name: string, model: Record<string, unknown>): Graph {
  const detector = buildDetector(DetectorConfigSchema.parse({ model: { inputSize: DETECTOR_SIZE, numClasses: 3, ...model } }));
  const images = tf.randomUniform([2, DETECTOR_SIZE, DETECTOR_SIZE, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  return {
    name,
    variables: [...detector.trainableVariables().values()],
    loss: () =>
      tf.tidy(() => {
        const { classLogits, boxDeltas } = detector.apply(images, true);
        return tf.add(tf.mean(tf.sigmoid(classLogits)), tf.mean(tf.square(boxDeltas))) as tf.Scalar;
      }),
    dispose: () => {
      detector.dispose();
      images.dispose();
    },
  };
}

const GRAPHS: Array<[string, () => Graph]> = [
  ['conv-stack', convStack],
  ['retinanet-r18', () => detectorGraph('retinanet-r18', { arch: 'retinanet', backbone: 'resnet18' })],
  ['efficientdet-d0', () => detectorGraph('efficientdet-d0', { arch: 'efficientdet', phi: 0 })],
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeMs(run: () => void): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/** This process's CPU time in ms (user + system). The wasm backend computes on one thread. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Wall and CPU time of one run. */
function clock(run: () => void): { wall: number; cpu: number } {
  const cpu0 = cpuMs();
  const wall = timeMs(run);
  return { wall, cpu: cpuMs() - cpu0 };
}

/** One optimisation step; reading the loss waits for the backend to finish. */
/** Learning rate of the measured steps: small, so that 40 steps leave the graphs where they were. */
const LEARNING_RATE = 1e-4;

function step(graph: Graph, optimizer: Optimizer): void {
  const { value, grads } = tf.variableGrads(() => graph.loss(), graph.variables);
  value.dataSync();
  const byName = new Map(graph.variables.map((v) => [v.name, v]));
  optimizer.apply(byName, new Map(Object.entries(grads)), LEARNING_RATE);
  tf.dispose([value, ...Object.values(grads)]);
}

function forward(graph: Graph): void {
  const loss = graph.loss();
  loss.dataSync();
  loss.dispose();
}

interface WasmFigures {
  params: number;
  forward: number;
  step: number;
  forwardCpu: number;
  stepCpu: number;
  stepCpuXnnpackRoutes: number;
}

async function measureWasm(build: () => Graph): Promise<WasmFigures> {
  await tf.setBackend('wasm');
  const graph = build();
  const optimizer = new Optimizer({ kind: 'adam' });
  try {
    for (let i = 0; i < WARMUP_STEPS; i++) step(graph, optimizer);
    // Steps back to back, as training runs them: each step changes the weights, so XNNPACK repacks
    // them in the next step's forward. Timing a forward just before each step (as this bench did
    // until issue 15) made the forward pay that repacking and flattered the step.
    const steps = Array.from({ length: MEASURED_RUNS }, () => clock(() => step(graph, optimizer)));
    // Forwards back to back on fixed weights, as inference runs them.
    forward(graph);
    const forwards = Array.from({ length: MEASURED_RUNS }, () => clock(() => forward(graph)));
    const params = graph.variables.reduce((n, v) => n + v.size, 0);
    // The same step without the engine's SIMD kernels (simd/): the XNNPACK routes they replaced, as a baseline.
    useSimdKernels(false);
    step(graph, optimizer);
    const withoutSimd = Array.from({ length: MEASURED_RUNS }, () => clock(() => step(graph, optimizer)).cpu);
    useSimdKernels(true);
    return {
      stepCpuXnnpackRoutes: median(withoutSimd),
      params,
      forward: median(forwards.map((t) => t.wall)),
      step: median(steps.map((t) => t.wall)),
      forwardCpu: median(forwards.map((t) => t.cpu)),
      stepCpu: median(steps.map((t) => t.cpu)),
    };
  } finally {
    optimizer.dispose();
    graph.dispose();
  }
}

async function measureCpu(build: () => Graph): Promise<number> {
  await tf.setBackend('cpu');
  const graph = build();
  const optimizer = new Optimizer({ kind: 'adam' });
  try {
    return timeMs(() => step(graph, optimizer));
  } finally {
    optimizer.dispose();
    graph.dispose();
    await tf.setBackend('wasm');
  }
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const withCpu = !process.argv.includes('--no-cpu');
  await initBackend('wasm');
  const info = backendInfo();
  console.log(`conv stack: ${(convStackMacs() / 1e6).toFixed(0)} M multiply-adds forward`);
  console.log(
    'graph            params   forward ms   step ms   step/fwd   (CPU time: fwd   step   step/fwd)   cpu-backend step ms   speed-up   (CPU step without SIMD kernels)',
  );
  const figures: Record<string, GraphFigures | { error: string }> = {};
  for (const [name, build] of GRAPHS) {
    try {
      const wasm = await measureWasm(build);
      const cpu = withCpu ? await measureCpu(build) : null;
      const row: GraphFigures = {
        params: wasm.params,
        forward_ms: round(wasm.forward),
        step_ms: round(wasm.step),
        step_over_forward: round(wasm.step / wasm.forward, 2),
        forward_cpu_ms: round(wasm.forwardCpu),
        step_cpu_ms: round(wasm.stepCpu),
        step_over_forward_cpu: round(wasm.stepCpu / wasm.forwardCpu, 2),
        cpu_step_ms: cpu === null ? null : round(cpu),
        speedup_over_cpu: cpu === null ? null : round(cpu / wasm.step),
        step_cpu_ms_xnnpack_routes: round(wasm.stepCpuXnnpackRoutes),
        speedup_of_simd_kernels: round(wasm.stepCpuXnnpackRoutes / wasm.stepCpu, 2),
      };
      figures[name] = row;
      console.log(
        [
          name.padEnd(15),
          String(row.params).padStart(8),
          String(row.forward_ms).padStart(12),
          String(row.step_ms).padStart(9),
          `${row.step_over_forward}×`.padStart(10),
          String(row.forward_cpu_ms).padStart(17),
          String(row.step_cpu_ms).padStart(7),
          `${row.step_over_forward_cpu}×`.padStart(10),
          String(row.cpu_step_ms ?? '-').padStart(23),
          (row.speedup_over_cpu === null ? '-' : `${row.speedup_over_cpu}×`).padStart(10),
          `${row.step_cpu_ms_xnnpack_routes} ms: ${row.speedup_of_simd_kernels}×`.padStart(22),
        ].join(' '),
      );
    } catch (err) {
      figures[name] = { error: (err as Error).message };
      console.log(`${name.padEnd(15)} failed: ${(err as Error).message}`);
    }
  }
  const stack = figures['conv-stack'];
  const goals =
    stack && 'step_ms' in stack
      ? {
          step_over_forward_le_3: stack.step_over_forward <= GOAL_STEP_OVER_FORWARD,
          speedup_over_cpu_ge_300: stack.speedup_over_cpu === null ? null : stack.speedup_over_cpu >= GOAL_SPEEDUP_OVER_CPU,
        }
      : {};
  console.log(
    `goals (conv stack): step ≤ ${GOAL_STEP_OVER_FORWARD}× forward: ${goals.step_over_forward_le_3 ?? 'n/a'}; ` +
      `≥ ${GOAL_SPEEDUP_OVER_CPU}× faster than cpu: ${goals.speedup_over_cpu_ge_300 ?? 'n/a'}`,
  );
  finishBench('engine', engineHeadlines(figures), {
    backend: info.backend,
    version: info.version,
    simd: info.simd ?? null,
    threads: info.threads,
    conv_stack_macs: convStackMacs(),
    ...figures,
    goals,
  });
}

/** Per graph: the step against its forward, and against the cpu backend (goals: the conv stack's, issue 3). */
function engineHeadlines(figures: Record<string, GraphFigures | { error: string }>): Headline[] {
  return Object.entries(figures).flatMap(([name, row]): Headline[] => {
    if (!('step_ms' in row)) return [{ figure: `${name}: training step`, value: `failed: ${row.error}`, baseline: '-', goal: null, met: null }];
    const isStack = name === 'conv-stack';
    const headlines: Headline[] = [
      {
        figure: `${name}: wasm training step / forward, back to back`,
        value: `${times(row.step_over_forward)} (CPU time ${times(row.step_over_forward_cpu)})`,
        baseline: `forward ${row.forward_ms} ms, step ${row.step_ms} ms`,
        goal: isStack ? `≤ ${GOAL_STEP_OVER_FORWARD}×` : null,
        met: isStack ? row.step_over_forward <= GOAL_STEP_OVER_FORWARD : null,
      },
    ];
    if (row.speedup_over_cpu !== null) {
      headlines.push({
        figure: `${name}: wasm step vs the tfjs cpu backend's`,
        value: times(row.speedup_over_cpu, 0),
        baseline: `cpu backend step ${row.cpu_step_ms} ms`,
        goal: isStack ? `≥ ${GOAL_SPEEDUP_OVER_CPU}×` : null,
        met: isStack ? row.speedup_over_cpu >= GOAL_SPEEDUP_OVER_CPU : null,
      });
    }
    return headlines;
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
