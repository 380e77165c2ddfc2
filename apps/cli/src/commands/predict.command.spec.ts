import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { syntheticShapes } from '@ablate/data';

const ROOT = path.resolve(__dirname, '../../../..');
const ablate = (args: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, 'bin/ablate.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ABLATE_BACKEND: 'wasm' } });

const VAL = 'synthetic:shapes?images=3&size=64&split=val';

describe('ablate predict --draw', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-predict-draw-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each image as PNG of its own size with its detections drawn over it', async () => {
    const config = path.join(dir, 'run.json');
    writeFileSync(
      config,
      JSON.stringify({
        dataset: { train: 'synthetic:shapes?images=4&size=64', val: VAL },
        model: { backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, headConvs: 1, inputSize: 64, numClasses: 7 },
        anchors: { levels: [3, 4], aspectRatios: [1] },
        train: { steps: 1, batchSize: 2, warmupSteps: 1, checkpointEvery: 1 },
      }),
    );
    const out = path.join(dir, 'out');
    expect(ablate(['train', '--config', config, '--out', out, '--no-eval']).status).toBe(0);

    const drawn = path.join(dir, 'drawn');
    // An untrained detector scores every box low: threshold 0 draws its top detections.
    const p = ablate(['predict', '--checkpoint', path.join(out, 'last.ckpt'), '--data', VAL, '--draw', drawn, '--score-threshold', '0']);
    expect(p.status, p.stderr).toBe(0);
    expect(readdirSync(drawn).sort()).toEqual(['1.png', '2.png', '3.png']);

    const original = syntheticShapes({ images: 3, size: 64, split: 'val' }).images[0]!.render!();
    const { data, info } = await sharp(path.join(drawn, '1.png')).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([original.width, original.height, 3]);
    let changed = 0;
    for (let i = 0; i < data.length; i++) if (data[i] !== original.data[i]) changed++;
    expect(changed).toBeGreaterThan(0);

    const none = ablate(['predict', '--checkpoint', path.join(out, 'last.ckpt'), '--data', VAL]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/give --out <file>, --draw <dir> or both/);
  }, 300_000);
});
