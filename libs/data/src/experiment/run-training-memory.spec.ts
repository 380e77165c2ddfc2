import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseRunConfig, RunMemoryError } from '@ablate/detection';
import { initBackend } from '@ablate/engine';
import { runTraining } from './run-training';

describe('runTraining and the backend’s memory', () => {
  const dataRoot = mkdtempSync(path.join(tmpdir(), 'ablate-memory-'));

  beforeAll(async () => {
    await initBackend('cpu', { log: () => undefined });
  });

  afterEach(() => {
    delete process.env['ABLATE_RUN_MEMORY_LIMIT_MB'];
  });

  it('refuses a run estimated over the limit before it loads its datasets (a worker learns it at once, not by an abort)', async () => {
    process.env['ABLATE_RUN_MEMORY_LIMIT_MB'] = '50';
    // The datasets do not exist: had they been loaded first, this would be a DatasetError.
    const config = parseRunConfig({
      dataset: { train: 'coco:absent/train.json', val: 'coco:absent/val.json' },
      model: { numClasses: 7, inputSize: 128, backbone: 'resnet18', backboneWidth: 0.5 },
    });
    const err = await runTraining(config, { dataRoot }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunMemoryError);
    expect((err as Error).message).toMatch(/^run does not fit in memory: needs about \d+ MB .* at 128 px × batch 8\), the limit is 50 MB \(ABLATE_RUN_MEMORY_LIMIT_MB\); reduce model\.inputSize/);
  });
});
