/**
 * `node -r ./scripts/register.js bench/memory-peaks.ts`: the measured peaks behind the activation
 * coefficients of libs/detection/src/memory/memory-estimate.ts. Each config trains 3 steps on the
 * wasm backend (synthetic shapes) in a fresh child process — a wasm heap never shrinks, so its size
 * after the steps is the run's peak — and prints the heap growth next to the estimator's parts.
 * Ends with one line of JSON: per config, the measured heap bytes and the estimate.
 */
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { runTraining } from '@ablate/data';
import { estimateRunMemory, featureDensity, parseRunConfig, type RunConfigInput } from '@ablate/detection';
import { initBackend } from '@ablate/engine';

const CONFIGS: Array<{ name: string; model: Record<string, unknown>; batchSize: number; keypoints?: Record<string, unknown> }> = [
  { name: 'retinanet r18×0.25 64px b2', model: { arch: 'retinanet', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, inputSize: 64 }, batchSize: 2 },
  { name: 'retinanet r18×0.25 128px b4', model: { arch: 'retinanet', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, inputSize: 128 }, batchSize: 4 },
  { name: 'retinanet r18×0.5 128px b8', model: { arch: 'retinanet', backbone: 'resnet18', backboneWidth: 0.5, fpnChannels: 64, inputSize: 128 }, batchSize: 8 },
  { name: 'retinanet r50×0.25 128px b4', model: { arch: 'retinanet', backbone: 'resnet50', backboneWidth: 0.25, fpnChannels: 64, inputSize: 128 }, batchSize: 4 },
  { name: 'retinanet r18×0.5 256px b4', model: { arch: 'retinanet', backbone: 'resnet18', backboneWidth: 0.5, fpnChannels: 64, inputSize: 256 }, batchSize: 4 },
  { name: 'efficientdet b0×0.5 128px b4', model: { arch: 'efficientdet', backboneWidth: 0.5, fpnChannels: 32, inputSize: 128 }, batchSize: 4 },
  { name: 'efficientdet b0 256px b2', model: { arch: 'efficientdet', inputSize: 256 }, batchSize: 2 },
  { name: 'faster-rcnn r18×0.25 128px b2', model: { arch: 'faster-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, inputSize: 128 }, batchSize: 2 },
  { name: 'retinanet r50 256px b2 (the paper default at 256 px)', model: { arch: 'retinanet', backbone: 'resnet50', inputSize: 256 }, batchSize: 2 },
  { name: 'mask-rcnn r18×0.25 128px b2', model: { arch: 'mask-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, inputSize: 128 }, batchSize: 2 },
  // R-CNN at its defaults: 32 regions per image warped to 32 px (its backbone runs on the regions).
  { name: 'rcnn r18×0.25 128px b4', model: { arch: 'rcnn', backbone: 'resnet18', backboneWidth: 0.25, inputSize: 128 }, batchSize: 4 },
  // Keypoint R-CNN with bench:learn's keypoint head (2 convs × 32 to 28² heatmaps), on synthetic people.
  {
    name: 'keypoint-rcnn r18×0.25 128px b2',
    model: { arch: 'keypoint-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, inputSize: 128 },
    batchSize: 2,
    keypoints: { resolution: 28, convs: 2, channels: 32 },
  },
];

function runConfigOf(c: (typeof CONFIGS)[number]): RunConfigInput {
  // A keypoint family trains on synthetic people (one class, 17 keypoints), the others on shapes (7 classes).
  const set = c.keypoints === undefined ? 'shapes' : 'people';
  const data = (split: string) => `synthetic:${set}?images=${c.batchSize * 2}&size=${c.model['inputSize']}&seed=0&split=${split}`;
  return {
    dataset: { train: data('train'), val: data('val') },
    model: { ...c.model, numClasses: c.keypoints === undefined ? 7 : 1 },
    ...(c.keypoints === undefined ? {} : { keypoints: c.keypoints }),
    train: { steps: 3, batchSize: c.batchSize, optimizer: 'sgd', warmupSteps: 0, checkpointEvery: 1000 },
  } as RunConfigInput;
}

function wasmHeapBytes(): number {
  return (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
}

async function measureOne(index: number): Promise<void> {
  await initBackend('wasm', { log: () => undefined });
  const config = parseRunConfig(runConfigOf(CONFIGS[index]));
  const before = wasmHeapBytes();
  await runTraining(config, { evaluate: false });
  const estimate = await estimateRunMemory(config);
  const heapBytes = wasmHeapBytes();
  process.stdout.write(`${JSON.stringify({ name: CONFIGS[index].name, initialHeapBytes: before, heapBytes, density: featureDensity(config), estimate })}\n`);
}

function main(): void {
  const rows: unknown[] = [];
  for (let i = 0; i < CONFIGS.length; i++) {
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, String(i)], { encoding: 'utf8' });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) {
      process.stderr.write(`${CONFIGS[i].name}: failed\n${child.stderr}\n`);
      continue;
    }
    const row = JSON.parse(line) as { name: string; heapBytes: number; estimate: { bytes: Record<string, number> } };
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
    const e = row.estimate.bytes;
    process.stdout.write(`${row.name}: heap ${mb(row.heapBytes)}; estimate ${mb(e['total'])} (activations ${mb(e['activations'])})\n`);
    rows.push(row);
  }
  process.stdout.write(`${JSON.stringify(rows)}\n`);
}

if (process.argv[2] !== undefined) void measureOne(Number(process.argv[2]));
else main();
