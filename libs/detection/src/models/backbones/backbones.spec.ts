import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParamStore } from '../../nn';
import { buildDetector } from '../build-detector';
import { ModelConfigError } from '../model-error';
import { tinyRetinaNet, useTestBackend } from '../testing/tiny-configs';
import { loadBackboneWeights, saveBackboneWeights } from './backbone-weights';
import { buildBackbone } from './build-backbone';
import { EfficientNet, roundFilters, roundRepeats, scaledStages } from './efficientnet';
import { ResNet, scaleWidth } from './resnet';

beforeAll(useTestBackend);

describe('EfficientNet compound scaling', () => {
  it('rounds widths to multiples of 8 and depths up, as the reference round_filters/round_repeats', () => {
    expect(roundFilters(32, 1)).toBe(32);
    expect(roundFilters(40, 1.1)).toBe(48); // 44 → floor((44 + 4)/8)·8 = 48
    expect(roundFilters(112, 1.2)).toBe(136); // 134.4 → floor(138.4/8)·8 = 136
    expect(roundFilters(16, 0.25)).toBe(8); // 4 → max(8, 8)
    expect(roundRepeats(3, 1.4)).toBe(5); // ceil(4.2)
    expect(roundRepeats(1, 1.1)).toBe(2); // ceil(1.1)
  });

  it('B0 has the 16 MBConv blocks of EfficientNet Table 1 and C1–C5 of 16, 24, 40, 112, 320 channels', () => {
    const store = new ParamStore(0, true);
    const b0 = new EfficientNet(store.scope('b'), { variant: 'b0' });
    expect(b0.numBlocks).toBe(1 + 2 + 2 + 3 + 3 + 4 + 1);
    expect([...b0.channels]).toEqual([
      [1, 16],
      [2, 24],
      [3, 40],
      [4, 112],
      [5, 320],
    ]);
    store.dispose();
  });

  it('B3 scales B0 by width 1.2, depth 1.4', () => {
    const stages = scaledStages('b3');
    // repeats ceil(1.4·[1,2,2,3,3,4,1]) = [2,3,3,5,5,6,2]; channels round(1.2·[16,24,40,80,112,192,320]).
    expect(stages.map((s) => s.repeats)).toEqual([2, 3, 3, 5, 5, 6, 2]);
    expect(stages.map((s) => s.channels)).toEqual([24, 32, 48, 96, 136, 232, 384]);
  });
});

describe('ResNet', () => {
  it('scales widths and returns C2–C5 at strides 4–32', () => {
    expect(scaleWidth(64, 0.25)).toBe(16);
    expect(scaleWidth(64, 0.1)).toBe(8);
    const store = new ParamStore(0);
    const r50 = new ResNet(store.scope('backbone'), { depth: 'resnet50', width: 0.25 });
    // bottleneck widths 16, 32, 64, 128, expanded ×4.
    expect([...r50.channels.values()]).toEqual([64, 128, 256, 512]);
    expect(store.all().has('backbone.layer2.0.downsample.0.weight')).toBe(true);
    expect(store.all().get('backbone.layer3.5.conv3.weight')!.shape).toEqual([1, 1, 64, 256]);
    const x = tf.zeros([1, 96, 96, 3]) as tf.Tensor4D;
    const out = r50.apply(x, false);
    expect([...out].map(([l, t]) => [l, t.shape])).toEqual([
      [2, [1, 24, 24, 64]],
      [3, [1, 12, 12, 128]],
      [4, [1, 6, 6, 256]],
      [5, [1, 3, 3, 512]],
    ]);
    tf.dispose([x, ...out.values()]);
    store.dispose();
  });

  it('ResNet-18 and -34 have 2,2,2,2 and 3,4,6,3 basic blocks (ResNet Table 1)', () => {
    const store = new ParamStore(0, true);
    buildBackbone(store.scope('r18'), 'resnet18', 0.25);
    buildBackbone(store.scope('r34'), 'resnet34', 0.25);
    const blocks = (prefix: string, layer: number) =>
      new Set([...store.all().keys()].filter((k) => k.startsWith(`${prefix}.layer${layer}.`)).map((k) => k.split('.')[2])).size;
    expect([1, 2, 3, 4].map((l) => blocks('r18', l))).toEqual([2, 2, 2, 2]);
    expect([1, 2, 3, 4].map((l) => blocks('r34', l))).toEqual([3, 4, 6, 3]);
    store.dispose();
  });
});

describe('parameter counts', () => {
  // torchvision's published totals less the parts detection drops: ResNet's fc (C·1000 + 1000) and
  // EfficientNet's classifier (1280·w·1000 + 1000) and 1×1 head conv + BN (C_last·C_head + 2·C_head).
  it.each([
    ['resnet18', 11_689_512 - (512 * 1000 + 1000)],
    ['resnet34', 21_797_672 - (512 * 1000 + 1000)],
    ['resnet50', 25_557_032 - (2048 * 1000 + 1000)],
    ['efficientnet-b0', 5_288_548 - (1280 * 1000 + 1000) - (320 * 1280 + 2 * 1280)],
    ['efficientnet-b1', 7_794_184 - (1280 * 1000 + 1000) - (320 * 1280 + 2 * 1280)],
    ['efficientnet-b3', 12_233_232 - (1536 * 1000 + 1000) - (384 * 1536 + 2 * 1536)],
  ] as const)('%s has %i trainable parameters, as torchvision', (name, expected) => {
    const store = new ParamStore(0, true);
    buildBackbone(store.scope('b'), name, 1);
    expect(store.countTrainableParameters()).toBe(expected);
    store.dispose();
  });
});

describe('loadBackboneWeights', () => {
  it('round-trips a weights file into another model, and names a mismatching entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ablate-weights-'));
    const path = join(dir, 'backbone.json');
    const a = buildDetector(tinyRetinaNet(), { seed: 1 });
    const b = buildDetector(tinyRetinaNet(), { seed: 2 });
    await saveBackboneWeights(a.allVariables(), path);
    const key = 'backbone.layer1.0.conv1.weight';
    expect(a.allVariables().get(key)!.dataSync()).not.toEqual(b.allVariables().get(key)!.dataSync());
    const result = b.loadBackboneWeights(path);
    expect(result.missing).toEqual([]);
    expect(result.loaded).toContain('bn1.running_var');
    expect(b.allVariables().get(key)!.dataSync()).toEqual(a.allVariables().get(key)!.dataSync());
    // The head is not part of the backbone file.
    const head = 'head.cls_subnet.0.conv.weight';
    expect(b.allVariables().get(head)!.dataSync()).not.toEqual(a.allVariables().get(head)!.dataSync());

    const wide = buildDetector(tinyRetinaNet({ backboneWidth: 0.5 }), { seed: 1 });
    expect(() => loadBackboneWeights(wide.allVariables(), path)).toThrow(ModelConfigError);
    expect(() => loadBackboneWeights(wide.allVariables(), path)).toThrow(/conv1\.weight: shape \[7, 7, 3, 16\]/);
    writeFileSync(join(dir, 'bad.json'), '{"weightsManifest": 3}');
    expect(() => loadBackboneWeights(wide.allVariables(), join(dir, 'bad.json'))).toThrow(/bad\.json: no "weightsManifest"/);
    // Through the config, the error names the field.
    expect(() => buildDetector(tinyRetinaNet({ backboneWidth: 0.5, backboneWeights: path }))).toThrow(/^model\.backboneWeights/);
    // A checkpoint restore skips the file (it may not exist where the checkpoint is used).
    const restored = buildDetector(tinyRetinaNet({ backboneWeights: join(dir, 'absent.json') }), { loadBackboneWeights: false });
    expect(() => buildDetector(tinyRetinaNet({ backboneWeights: join(dir, 'absent.json') }))).toThrow(/absent\.json/);
    for (const d of [a, b, wide, restored]) d.dispose();
  });

  it('never echoes the contents of a file that is not a weights manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ablate-weights-'));
    writeFileSync(join(dir, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
    const variables = new Map<string, tf.Variable>();
    expect(() => loadBackboneWeights(variables, join(dir, 'passwd'))).toThrow(/passwd: weights manifest is not valid JSON/);
    expect(() => loadBackboneWeights(variables, join(dir, 'passwd'))).not.toThrow(/root:x/);
    expect(() => loadBackboneWeights(variables, join(dir, 'absent'))).toThrow(/absent: cannot read weights manifest \(ENOENT\)/);
  });
});
