import { initBackend } from '@ablate/engine';
import { buildDetector } from '../models/build-detector';
import { parseRunConfig, type RunConfigInput } from '../train/run-config';
import { countDetectorParameters } from './count-parameters';
import { featureDensity } from './feature-density';
import { estimateFromParameters, estimateRunMemory } from './memory-estimate';
import { assertFitsMemory, RunMemoryError, runMemoryLimit, WASM_RUN_MEMORY_LIMIT_BYTES } from './memory-limit';

const dataset = { train: 'synthetic:shapes', val: 'synthetic:shapes?split=val' };
const run = (input: Omit<RunConfigInput, 'dataset'>) => parseRunConfig({ dataset, ...input });
const MB = 2 ** 20;

/**
 * Peaks of the wasm heap measured by `node -r ./scripts/register.js bench/memory-peaks.ts`
 * (2026-12-05; the table in memory-estimate.ts): each estimate must cover its measurement without
 * refusing runs that would fit by much.
 */
const MEASURED: Array<{ model: RunConfigInput['model']; batchSize: number; heapMb: number; keypoints?: RunConfigInput['keypoints'] }> = [
  { model: { backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, inputSize: 128 }, batchSize: 4, heapMb: 83.1 },
  { model: { backbone: 'resnet18', backboneWidth: 0.5, fpnChannels: 64, inputSize: 128 }, batchSize: 8, heapMb: 248.2 },
  { model: { backbone: 'resnet50', backboneWidth: 0.25, fpnChannels: 64, inputSize: 128 }, batchSize: 4, heapMb: 206.8 },
  { model: { backbone: 'resnet18', backboneWidth: 0.5, fpnChannels: 64, inputSize: 256 }, batchSize: 4, heapMb: 467.5 },
  { model: { backbone: 'resnet50', inputSize: 256 }, batchSize: 2, heapMb: 1974.6 },
  { model: { arch: 'efficientdet', backboneWidth: 0.5, fpnChannels: 32, inputSize: 128 }, batchSize: 4, heapMb: 206.8 },
  { model: { arch: 'efficientdet', inputSize: 256 }, batchSize: 2, heapMb: 806.7 },
  { model: { arch: 'faster-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, inputSize: 128 }, batchSize: 2, heapMb: 172.3 },
  { model: { arch: 'mask-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, inputSize: 128 }, batchSize: 2, heapMb: 924.0 },
  { model: { arch: 'rcnn', backbone: 'resnet18', backboneWidth: 0.25, inputSize: 128 }, batchSize: 4, heapMb: 69.2 },
  {
    model: { arch: 'keypoint-rcnn', backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, inputSize: 128 },
    keypoints: { resolution: 28, convs: 2, channels: 32 },
    batchSize: 2,
    heapMb: 206.8,
  },
];

describe('featureDensity', () => {
  it('counts a ResNet-18 ×0.25 RetinaNet by hand', () => {
    // Backbone, widths 16 | 16, 32, 64, 128: stem 16/4 = 4; per stage (2 blocks × 2 convs + projection) · c / 4^l:
    // 80/16 = 5, 160/64 = 2.5, 320/256 = 1.25, 640/1024 = 0.625 → 13.375.
    // Neck and heads on P3–P7 (Σ 4^-l = 0.02081298828125): 32 channels × (lateral + output + 2 subnets × 4 convs)
    // = 320 × Σ = 6.66015625; predictions 9 anchors × (7 classes + 4) × Σ = 2.06048583984375.
    const config = run({ model: { backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 32, numClasses: 7 } });
    expect(featureDensity(config)).toEqual({ perPixel: 13.375 + 6.66015625 + 2.06048583984375, perImage: 0 });
  });

  it('gives the two-stage families a per-image term for their RoI heads, and Mask R-CNN more', () => {
    const faster = featureDensity(run({ model: { arch: 'faster-rcnn', backbone: 'resnet18' } }));
    const mask = featureDensity(run({ model: { arch: 'mask-rcnn', backbone: 'resnet18' } }));
    expect(faster.perImage).toBeGreaterThan(0);
    expect(mask.perImage).toBeGreaterThan(faster.perImage);
  });
});

describe('estimateRunMemory', () => {
  beforeAll(async () => {
    await initBackend('cpu', { log: () => undefined });
  });

  it('counts parameters on the built model (without reading its backbone file)', async () => {
    const config = run({ model: { backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, inputSize: 64, numClasses: 7 } });
    const built = buildDetector(config);
    expect(await countDetectorParameters(config)).toBe(built.countParameters());
    built.dispose();
    const withWeights = run({ model: { ...config.model, backboneWeights: 'absent.json' } });
    expect(await countDetectorParameters(withWeights)).toBe(await countDetectorParameters(config));
  });

  it('adds optimiser slots (SGD 1, Adam 2) and an EMA copy; activations scale with batch × input area', () => {
    const P = 1_000_000;
    const model = { backbone: 'resnet18', backboneWidth: 0.5, inputSize: 128, numClasses: 7 } as const;
    const sgd = estimateFromParameters(run({ model, train: { optimizer: 'sgd', batchSize: 4 } }), P);
    const adam = estimateFromParameters(run({ model, train: { optimizer: 'adam', batchSize: 4 } }), P);
    const ema = estimateFromParameters(run({ model, train: { optimizer: 'adam', batchSize: 4, emaDecay: 0.999 } }), P);
    expect(sgd.bytes.gradients).toBe(4 * P);
    expect(sgd.bytes.optimizer).toBe(4 * P);
    expect(adam.bytes.optimizer).toBe(8 * P);
    expect(ema.bytes.optimizer).toBe(12 * P);
    const twiceTheBatch = estimateFromParameters(run({ model, train: { batchSize: 8 } }), P);
    const twiceTheSide = estimateFromParameters(run({ model: { ...model, inputSize: 256 }, train: { batchSize: 4 } }), P);
    expect(twiceTheBatch.bytes.activations).toBeCloseTo(2 * sgd.bytes.activations, -1);
    expect(twiceTheSide.bytes.activations).toBeCloseTo(4 * sgd.bytes.activations, -1);
    expect(sgd.bytes.total).toBe(sgd.bytes.weights + sgd.bytes.gradients + sgd.bytes.optimizer + sgd.bytes.activations + sgd.bytes.runtime);
  });

  it('covers every measured wasm peak of bench/memory-peaks.ts, and by less than 1.6×', async () => {
    for (const m of MEASURED) {
      // The keypoint run was measured on synthetic people: one class.
      const numClasses = m.keypoints === undefined ? 7 : 1;
      const estimate = await estimateRunMemory(run({ model: { ...m.model, numClasses }, ...(m.keypoints ? { keypoints: m.keypoints } : {}), train: { batchSize: m.batchSize } }));
      const ratio = estimate.bytes.total / (m.heapMb * MB);
      expect({ model: m.model, ratio: ratio >= 0.95 && ratio < 1.6 }).toEqual({ model: m.model, ratio: true });
    }
  });

  it('refuses the paper-default RetinaNet on wasm (it aborted after 32 s), and fits the README run and a 128 px ResNet-18 ×0.5', async () => {
    const paper = await estimateRunMemory(run({ model: { numClasses: 7 } }));
    expect(paper.parameters).toBe(36_474_275);
    expect(paper.bytes.total).toBeGreaterThan(WASM_RUN_MEMORY_LIMIT_BYTES);
    const err = (() => {
      try {
        assertFitsMemory(paper, WASM_RUN_MEMORY_LIMIT_BYTES, 'grid point loss.gamma=2');
      } catch (e) {
        return e as RunMemoryError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(RunMemoryError);
    expect(err?.message).toMatch(
      /^grid point loss\.gamma=2 does not fit in memory: needs about \d+ MB \(36\.5 M parameters: weights \d+ MB, gradients 139 MB, optimiser 139 MB, activations \d+ MB at 512 px × batch 8\), the limit is 3584 MB \(the wasm heap\); reduce model\.inputSize, train\.batchSize, model\.backboneWidth, model\.backbone, model\.fpnChannels, model\.headConvs$/,
    );
    const cpu = await estimateRunMemory(run({ model: { backbone: 'resnet18', backboneWidth: 0.5, inputSize: 128, numClasses: 7 } }));
    expect(() => assertFitsMemory(cpu, WASM_RUN_MEMORY_LIMIT_BYTES)).not.toThrow();
    const readme = await estimateRunMemory(
      run({ model: { backbone: 'resnet18', backboneWidth: 0.25, inputSize: 64, numClasses: 7, fpnChannels: 32, headConvs: 2 }, anchors: { levels: [3, 4, 5], sizeMultiplier: 2 }, train: { optimizer: 'adam', batchSize: 8 } }),
    );
    expect(readme.bytes.total).toBeLessThan(WASM_RUN_MEMORY_LIMIT_BYTES / 10);
  });
});

describe('runMemoryLimit', () => {
  it('is the wasm limit on wasm, none on the native backends, and ABLATE_RUN_MEMORY_LIMIT_MB where set', () => {
    expect(runMemoryLimit('wasm', {})?.bytes).toBe(3584 * MB);
    expect(WASM_RUN_MEMORY_LIMIT_BYTES).toBeLessThan(4_294_901_760);
    expect(runMemoryLimit('tensorflow', {})).toBeUndefined();
    expect(runMemoryLimit('tensorflow', { ABLATE_RUN_MEMORY_LIMIT_MB: '16000' })).toEqual({ bytes: 16000 * MB, source: 'ABLATE_RUN_MEMORY_LIMIT_MB' });
    expect(() => runMemoryLimit('wasm', { ABLATE_RUN_MEMORY_LIMIT_MB: '4GB' })).toThrow(/ABLATE_RUN_MEMORY_LIMIT_MB: expected a whole number, got "4GB"/);
  });
});
