import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CocoEvalResult } from '@ablate/detection';
import { describeEvaluation } from './train.command';

const ROOT = path.resolve(__dirname, '../../../..');
const ablate = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [path.join(ROOT, 'bin/ablate.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ABLATE_BACKEND: 'wasm', ...env } });

describe('ablate train / predict', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablate-train-cli-'));

  it('rejects a bad config naming the field, exit status 2, nothing on stdout', () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ dataset: { train: 'synthetic:shapes', val: 'synthetic:shapes' }, train: { lr: 0 } }));
    const r = ablate(['train', '--config', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/train\.lr/);
    expect(r.stdout).toBe('');
  });

  it('refuses a config that cannot fit the backend, naming the estimate, the limit and the knobs, exit status 2', () => {
    // The paper-default RetinaNet (512 px, ResNet-50, batch 8) once aborted the wasm heap after 32 s.
    const paper = path.join(dir, 'paper.json');
    writeFileSync(paper, JSON.stringify({ dataset: { train: 'synthetic:shapes', val: 'synthetic:shapes?split=val' }, model: { numClasses: 7 } }));
    const r = ablate(['train', '--config', paper, '--out', path.join(dir, 'paper')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /paper\.json does not fit in memory: needs about \d+ MB \(36\.5 M parameters: .* at 512 px × batch 8\), the limit is 3584 MB \(the wasm backend's heap.*\); reduce model\.inputSize, train\.batchSize, model\.backboneWidth, model\.backbone/,
    );
    expect(r.stderr).not.toMatch(/Aborted|    at /);
    // A deployment sets its own limit; a small run over it is refused the same way.
    const small = path.join(dir, 'small.json');
    writeFileSync(small, JSON.stringify({ dataset: { train: 'synthetic:shapes', val: 'synthetic:shapes?split=val' }, model: { numClasses: 7, inputSize: 128, backbone: 'resnet18', backboneWidth: 0.5 } }));
    const limited = ablate(['train', '--config', small, '--out', path.join(dir, 'small')], { ABLATE_RUN_MEMORY_LIMIT_MB: '100' });
    expect(limited.status).toBe(2);
    expect(limited.stderr).toMatch(/small\.json does not fit in memory: .* the limit is 100 MB \(ABLATE_RUN_MEMORY_LIMIT_MB\)/);
  });

  it('trains, checkpoints, evaluates, resumes with more steps, and predicts from the checkpoint', () => {
    const config = path.join(dir, 'run.json');
    const run = (steps: number, evalEvery?: number) =>
      writeFileSync(
        config,
        JSON.stringify({
          dataset: { train: 'synthetic:shapes?images=16&size=64', val: 'synthetic:shapes?images=4&size=64&split=val' },
          model: { backbone: 'resnet18', backboneWidth: 0.25, fpnChannels: 16, headConvs: 1, inputSize: 64, numClasses: 7 },
          anchors: { levels: [3, 4, 5], aspectRatios: [1] },
          train: { steps, batchSize: 4, warmupSteps: 1, checkpointEvery: 2, evalEvery },
        }),
      );
    run(2, 1);
    const out = path.join(dir, 'out');
    const first = ablate(['train', '--config', config, '--out', out]);
    expect(first.status).toBe(0);
    // train.evalEvery: step 1 as it goes; step 2, the last, only as the final summary.
    expect(first.stderr.match(/^eval step .*$/gm)).toEqual([expect.stringMatching(/^eval step 1: AP \d\.\d{3} AP50 \d\.\d{3}$/)]);
    expect(first.stdout).toMatch(/Average Precision {2}\(AP\) @\[ IoU=0.50:0.95 \| area= {3}all \| maxDets=100 \] = /);
    expect(existsSync(path.join(out, 'last.ckpt'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'evaluation.json'), 'utf8')).step).toBe(2);

    run(4, 1);
    const resumed = ablate(['train', '--config', config, '--out', out, '--resume', path.join(out, 'last.ckpt'), '--no-eval']);
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toMatch(/completed 4 steps/);
    expect(resumed.stderr).not.toMatch(/eval step/); // --no-eval: none during training either

    const dets = path.join(dir, 'dets.json');
    const p = ablate(['predict', '--checkpoint', path.join(out, 'last.ckpt'), '--data', 'synthetic:shapes?images=4&size=64&split=val', '--out', dets, '--score-threshold', '0']);
    expect(p.status).toBe(0);
    const entries = JSON.parse(readFileSync(dets, 'utf8')) as { image_id: number; category_id: number; bbox: number[] }[];
    expect(entries.length).toBeGreaterThan(0);
    // At most 100 per image (RetinaNet §4.1), image ids 1..4 and category ids 1..7 of the dataset.
    expect(entries.length).toBeLessThanOrEqual(400);
    expect(entries.every((d) => d.image_id >= 1 && d.image_id <= 4 && d.category_id >= 1 && d.category_id <= 7)).toBe(true);
  }, 600_000);
});

describe('describeEvaluation', () => {
  const result = (AP: number, AP50: number) => ({ stats: { AP, AP50 } }) as CocoEvalResult;

  it('prints step, AP and AP50, and the mask AP of a detector with masks', () => {
    expect(describeEvaluation(20, { coco: result(0.1234, 0.5) })).toBe('eval step 20: AP 0.123 AP50 0.500');
    expect(describeEvaluation(40, { coco: result(0.2, 0.45678), segm: result(0.0716, 0.3) })).toBe('eval step 40: AP 0.200 AP50 0.457 segm AP 0.072');
  });
});
