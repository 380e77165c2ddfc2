/**
 * `npm run bench:gpu`: the device check of a GPU machine, in one run (under ten minutes).
 *
 * 1. Which GPU backends load: `tensorflow-gpu` (@tensorflow/tfjs-node-gpu: libtensorflow 2.9.1 on
 *    CUDA 11.2 + cuDNN 8.1, and it must find the GPU) and `webgpu` (Dawn on a Vulkan driver, with a
 *    hardware adapter). A machine with neither reports that no GPU is present and stops there,
 *    exiting 0: that is an answer, not a failure.
 * 2. On each GPU backend that loads, the parity checks against the cpu backend: the gradient of
 *    every variable of a small RetinaNet and EfficientDet (median and worst relative error), and the
 *    losses of three training steps of each (worst relative difference).
 * 3. Training-step times of bench:learn's detectors (bench/learn-arms.ts, 128 px) and of a 512 px
 *    RetinaNet-R50 (the paper's smallest input, RetinaNet Table 1e), on the GPU backend and on wasm
 *    (one core) on the same machine: seconds per step and the speed-up.
 *
 * ABLATE_ALLOW_SOFTWARE_GPU=1 also runs step 2 on a software WebGPU adapter (lavapipe), as CI does;
 * timings are never taken on one. Ends with one line of JSON.
 */
import { createTrainSource, loadDataset } from '@ablate/data';
import { gradientErrors, measureTrainStepSeconds, median, parseRunConfig, trainedLosses, type RunConfig } from '@ablate/detection';
import { ALLOW_SOFTWARE_GPU, initBackend, probeWebGpuAdapter, type AdapterReport } from '@ablate/engine';
import { ARMS, mergeConfig } from './learn-arms';
import { finishBench, times, type Headline } from './record';

type GpuBackend = 'tensorflow' | 'webgpu';

interface Probe {
  loads: boolean;
  /** Why it does not (or, for webgpu, what the adapter is). */
  detail: string;
  adapter?: AdapterReport;
  /** Counts as a GPU: loads on a hardware device. */
  gpu: boolean;
}

const quiet = { log: () => undefined };
const PARITY_SIZE = 64;
const PARITY_STEPS = 3;

/** tfjs-node-gpu loads and libtensorflow found a GPU. */
async function probeTensorflowGpu(): Promise<Probe> {
  try {
    const info = await initBackend('tensorflow', quiet);
    if (info.package !== '@tensorflow/tfjs-node-gpu') return { loads: false, gpu: false, detail: `only ${info.package} loads (a CPU build)` };
    return { loads: true, gpu: info.device === 'gpu', detail: info.device === 'gpu' ? 'libtensorflow found a GPU' : 'loads, but libtensorflow found no GPU' };
  } catch (err) {
    return { loads: false, gpu: false, detail: (err as Error).message };
  } finally {
    await initBackend('wasm', quiet);
  }
}

/** Dawn finds an adapter; a GPU when it is not a CPU emulation. */
async function probeWebGpu(): Promise<Probe> {
  try {
    const adapter = await probeWebGpuAdapter();
    const what = `${adapter.vendor} ${adapter.description || adapter.device}`.trim();
    return { loads: true, gpu: !adapter.software, adapter, detail: adapter.software ? `software adapter only (${what})` : what };
  } catch (err) {
    return { loads: false, gpu: false, detail: (err as Error).message };
  }
}

/** The parity detectors: small RetinaNet and EfficientDet on 64 px shapes, low-quality matches so that every loss has positives. */
function parityConfigs(): [string, RunConfig][] {
  const shapes = (split: string) => `synthetic:shapes?images=${2 * PARITY_STEPS}&size=${PARITY_SIZE}&seed=0&split=${split}`;
  const base = { dataset: { train: shapes('train'), val: shapes('val') }, matcher: { lowQualityMatches: true } };
  return [
    ['retinanet', parseRunConfig({ ...base, model: { arch: 'retinanet', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, headConvs: 1, inputSize: PARITY_SIZE, numClasses: 7 }, anchors: { levels: [3, 4, 5], sizeMultiplier: 2 } })],
    ['efficientdet', parseRunConfig({ ...base, model: { arch: 'efficientdet', phi: 0, backboneWidth: 0.25, fpnChannels: 16, headConvs: 1, inputSize: PARITY_SIZE, numClasses: 7 } })],
  ];
}

async function parityOn(backend: GpuBackend): Promise<Record<string, { gradientMedian: number; gradientWorst: number; lossWorst: number }>> {
  const out: Record<string, { gradientMedian: number; gradientWorst: number; lossWorst: number }> = {};
  for (const [name, config] of parityConfigs()) {
    const dataset = await loadDataset(config.dataset.train);
    const source = () => createTrainSource(dataset, { inputSize: PARITY_SIZE, batchSize: 2, seed: 0, augment: false });
    const errors = await gradientErrors(config, source, backend);
    const cpu = await trainedLosses('cpu', config, source);
    const gpu = await trainedLosses(backend, config, source);
    const lossWorst = Math.max(...cpu.flatMap((step, s) => step.map((v, p) => Math.abs(gpu[s]![p]! - v) / Math.max(Math.abs(v), 1e-6))));
    out[name] = { gradientMedian: median(errors), gradientWorst: Math.max(...errors), lossWorst };
  }
  return out;
}

/** bench:learn's arms (128 px, their batch sizes) and a 512 px RetinaNet-R50 at batch 2. */
function timedConfigs(): [string, RunConfig][] {
  const arms = ARMS.map((a) => [a.name, parseRunConfig(a.config)] as [string, RunConfig]);
  const r50 = parseRunConfig(
    mergeConfig(ARMS[0]!.config, {
      model: { backbone: 'resnet50', backboneWidth: 1, fpnChannels: 256, headConvs: 4, inputSize: 512 },
      anchors: { levels: [3, 4, 5, 6, 7], sizeMultiplier: 4, aspectRatios: [0.5, 1, 2], scalesPerOctave: 3 },
      train: { batchSize: 2 },
    }),
  );
  return [...arms, ['retinanet-r50-512', r50]];
}

async function secondsPerStep(backend: string, config: RunConfig, steps: number): Promise<number> {
  process.env['ABLATE_BACKEND'] = backend;
  return (await measureTrainStepSeconds(config, { steps })).secondsPerStep;
}

async function main(): Promise<void> {
  const started = Date.now();
  const backends = { 'tensorflow-gpu': await probeTensorflowGpu(), webgpu: await probeWebGpu() };
  const gpus = (Object.entries(backends) as [string, Probe][]).filter(([, p]) => p.gpu).map(([n]) => (n === 'webgpu' ? 'webgpu' : 'tensorflow') as GpuBackend);
  for (const [name, p] of Object.entries(backends)) console.log(`${name}: ${p.loads ? 'loads' : 'does not load'}${p.gpu ? ' on a GPU' : ''}: ${p.detail}`);

  const checked: GpuBackend[] = [...gpus];
  if (!gpus.includes('webgpu') && backends.webgpu.loads && process.env[ALLOW_SOFTWARE_GPU] === '1') checked.push('webgpu');
  const parity: Record<string, unknown> = {};
  for (const backend of checked) {
    parity[backend] = await parityOn(backend);
    console.log(`parity on ${backend}: ${JSON.stringify(parity[backend])}`);
  }

  const timings: Record<string, Record<string, number>> = {};
  if (gpus.length > 0) {
    for (const [name, config] of timedConfigs()) {
      // wasm: one measured step for the 512 px R50 (tens of seconds on one core), two for the rest.
      const wasm = await secondsPerStep('wasm', config, name.includes('512') ? 1 : 2);
      timings[name] = { wasm };
      for (const backend of gpus) timings[name]![backend] = await secondsPerStep(backend, config, 5);
      console.log(`${name}: ${JSON.stringify(timings[name])} s/step`);
    }
  }

  const headlines: Headline[] =
    gpus.length === 0
      ? [{ figure: 'GPU backends present (tensorflow-gpu, webgpu on a hardware adapter)', value: 'none: no GPU on this machine', baseline: `webgpu: ${backends.webgpu.detail}`, goal: null, met: null }]
      : gpus.flatMap((backend) =>
          Object.entries(timings).map(([name, t]) => ({
            figure: `${name} training step, ${backend} vs wasm (one core)`,
            value: times(t.wasm! / t[backend]!),
            baseline: `wasm: ${t.wasm!.toFixed(2)} s/step`,
            goal: null,
            met: null,
          })),
        );
  finishBench('gpu', headlines, { gpu: gpus.length > 0, backends, parity, timings, seconds: Math.round((Date.now() - started) / 1000) });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
