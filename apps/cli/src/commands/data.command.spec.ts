import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const BIN = path.resolve(__dirname, '../../../../bin/ablate.js');

function ablate(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ablate data', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ablate-cli-data-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('synth writes a COCO set that check reads back through the printed URI', () => {
    const out = ablate(['data', 'synth', '--out', path.join(root, 'synth'), '--images', '5', '--size', '64', '--seed', '2', '--split', 'val'], { ABLATE_DATA_ROOT: root });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(fs.readdirSync(path.join(root, 'synth', 'val'))).toEqual(['000001.png', '000002.png', '000003.png', '000004.png', '000005.png']);
    const uri = /read it back with: (\S+)/.exec(out.stdout)?.[1];
    expect(uri).toBe('coco:synth/val.json?images=synth/val');
    const check = ablate(['data', 'check', uri as string], { ABLATE_DATA_ROOT: root });
    expect(check.status).toBe(0);
    expect(check.stdout).toMatch(/^val: 5 images, 7 categories/);
  });

  it('synth --set people writes a person-keypoints COCO file that reads back with the same keypoints; check reports them', () => {
    const out = ablate(['data', 'synth', '--set', 'people', '--out', path.join(root, 'people'), '--images', '6', '--size', '96', '--seed', '3'], { ABLATE_DATA_ROOT: root });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/keypoints: 17 per box; labelled \d+ \(visible \d+, occluded \d+\)/);
    const json = JSON.parse(fs.readFileSync(path.join(root, 'people', 'train.json'), 'utf8')) as { categories: { name: string; keypoints: string[] }[]; annotations: { keypoints: number[] }[] };
    expect(json.categories[0]).toMatchObject({ name: 'person', keypoints: expect.arrayContaining(['nose', 'left_ankle']) });
    expect(json.annotations[0]!.keypoints).toHaveLength(51);
    // The file read back and the in-memory set report the same keypoint counts.
    const fromFile = ablate(['data', 'check', 'coco:people/train.json?images=people/train'], { ABLATE_DATA_ROOT: root });
    const inMemory = ablate(['data', 'check', 'synthetic:people?images=6&size=96&seed=3'], { ABLATE_DATA_ROOT: root });
    expect(fromFile.status).toBe(0);
    const keypointLine = (s: string) => /keypoints: .*/.exec(s)?.[0];
    expect(keypointLine(fromFile.stdout)).toBeDefined();
    expect(keypointLine(fromFile.stdout)).toBe(keypointLine(inMemory.stdout));
  });

  // Each case starts a process (~3 s with SWC): one per kind of mistake, not every option.
  it.each([
    [['data', 'synth', '--out', 'x', '--size', '9'], /--size 9/],
    [['data', 'synth', '--out', 'x', '--split', 'test'], /--split test/],
    [['data', 'synth', '--out', 'x', '--set', 'robots'], /--set robots: expected shapes or people/],
    [['data', 'check', 'coco:../escape.json'], /'\.\.' is not allowed/],
  ])('exits 2 with a message for %j', (args, message) => {
    const r = ablate(args as string[], { ABLATE_DATA_ROOT: root });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
