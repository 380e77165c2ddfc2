import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rleFromPolygon, rleToString } from '@ablate/detection';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** `node bin/ablate.js eval ...` as a user runs it. */
function ablateEval(...args: string[]) {
  const proc = spawnSync(process.execPath, [join(ROOT, 'bin', 'ablate.js'), 'eval', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: proc.status, stdout: proc.stdout, stderr: proc.stderr };
}

describe('ablate eval (subprocess)', () => {
  let dir: string;
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  // One GT box; the detections: the box itself (IoU 1, score .9) and its top half (IoU .5, .8).
  // Worked in coco-eval.spec.ts: AP = AP50 = 1/(1 + ε), which prints as 1.000.
  const gt = {
    images: [{ id: 1 }],
    categories: [{ id: 1, name: 'thing' }],
    annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 }],
  };
  const dets = [
    { image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9 },
    { image_id: 1, category_id: 1, bbox: [0, 0, 10, 5], score: 0.8 },
  ];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ablate-eval-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the 12-line summary of pycocotools, and one JSON object with --json', () => {
    const gtPath = file('gt.json', gt), dtPath = file('dt.json', dets);
    const text = ablateEval('--gt', gtPath, '--dt', dtPath);
    expect(text.status).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000');
    expect(lines[4]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=medium | maxDets=100 ] = -1.000');

    const json = ablateEval('--gt', gtPath, '--dt', dtPath, '--json');
    expect(json.status).toBe(0);
    const stats = JSON.parse(json.stdout) as Record<string, number>;
    expect(Object.keys(stats)).toEqual(['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100', 'ARs', 'ARm', 'ARl']);
    // Full precision: 1/(1 + ε) averaged over 10 × 101 samples, not a rounded 1.000.
    expect(stats.AP).toBeLessThan(1);
    expect(stats.AP).toBeCloseTo(1, 15);
    expect(stats.APl).toBe(-1);
  });

  it('exits 2 naming the file and the entry, with nothing on stdout', () => {
    const gtPath = file('gt2.json', gt);
    const cases: [string, string | RegExp][] = [
      [file('notjson.json', '[{"image_id": 1,'), /notjson\.json: not JSON/],
      [file('unknown-image.json', [{ ...dets[0], image_id: 9 }]), 'unknown-image.json: [0].image_id: image 9 is not in the ground truth'],
      [file('negative.json', [dets[0], { ...dets[1], bbox: [0, 0, -3, 5] }]), 'negative.json: [1].bbox[2]: negative width'],
    ];
    for (const [dtPath, message] of cases) {
      const run = ablateEval('--gt', gtPath, '--dt', dtPath, '--json');
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(message);
    }
    const badGt = file('bad-gt.json', { ...gt, annotations: [{ ...gt.annotations[0], bbox: 'x' }] });
    const run = ablateEval('--gt', badGt, '--dt', file('dt2.json', dets));
    expect([run.status, run.stdout]).toEqual([2, '']);
    expect(run.stderr).toMatch(/bad-gt\.json: annotations\[0\]\.bbox: /);
    const absent = ablateEval('--gt', join(dir, 'absent.json'), '--dt', file('dt3.json', dets));
    expect(absent.status).toBe(2);
    expect(absent.stderr).toMatch(/absent\.json: cannot read \(ENOENT\)/);
  });

  it('adds each class’s AP under its category name with --per-class', () => {
    const gtPath = file('gt-names.json', gt), dtPath = file('dt-names.json', dets);
    const text = ablateEval('--gt', gtPath, '--dt', dtPath, '--per-class');
    expect(text.status).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(14);
    expect(lines[13]).toBe('thing (id 1)  AP = 1.0000');
    const json = JSON.parse(ablateEval('--gt', gtPath, '--dt', dtPath, '--json', '--per-class').stdout) as { perClass: unknown[] };
    expect(json.perClass).toEqual([{ categoryId: 1, name: 'thing', ap: expect.closeTo(1, 10) }]);
    const voc = ablateEval('--gt', gtPath, '--dt', dtPath, '--metric', 'voc07');
    expect(voc.stdout.split('\n')[0]).toBe('thing (id 1)  AP = 1.0000');
  });

  it('prints Pascal VOC AP with --metric voc07', () => {
    const run = ablateEval('--gt', file('gt3.json', gt), '--dt', file('dt4.json', dets), '--metric', 'voc07', '--json');
    expect(run.status).toBe(0);
    // The box itself is a true positive (precision 1 at recall 1); its half is a duplicate. AP 1.
    expect(JSON.parse(run.stdout)).toMatchObject({ mAP: 1, perCategory: [{ categoryId: 1, ap: 1, numPositives: 1 }] });
  });
  it('evaluates masks with --iou-type segm', () => {
    // GT: the right triangle (0,0), (10,0), (0,10) in a 20×20 image, 45 pixels (worked in
    // coco-segm.spec.ts). Detections as compressed RLE: its bounding square (100 pixels, IoU .45,
    // score .9) then the triangle itself (score .8, IoU 1): AP = 1/2 at every threshold.
    const segmGt = {
      images: [{ id: 1, height: 20, width: 20 }],
      categories: [{ id: 1, name: 'thing' }],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 45, iscrowd: 0, segmentation: [[0, 0, 10, 0, 0, 10]] },
      ],
    };
    // Both masks rasterised and compressed by the library (masks.spec.ts checks those by hand).
    const square = { size: [20, 20], counts: rleToString(rleFromPolygon([0, 0, 10, 0, 10, 10, 0, 10], 20, 20)) };
    const triangle = { size: [20, 20], counts: rleToString(rleFromPolygon([0, 0, 10, 0, 0, 10], 20, 20)) };
    const segmDets = [
      { image_id: 1, category_id: 1, segmentation: square, score: 0.9 },
      { image_id: 1, category_id: 1, segmentation: triangle, score: 0.8 },
    ];
    const gtPath = file('segm-gt.json', segmGt);
    const run = ablateEval('--gt', gtPath, '--dt', file('segm-dt.json', segmDets), '--iou-type', 'segm', '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const stats = JSON.parse(run.stdout) as Record<string, number>;
    expect(stats.AP).toBeCloseTo(0.5, 15);
    expect(stats.AR1).toBe(0);
    // A bad RLE string is named with its file and entry; an unknown IoU type is refused.
    const bad = ablateEval('--gt', gtPath, '--dt', file('segm-bad.json', [{ ...segmDets[0], segmentation: { size: [20, 20], counts: '~' } }]), '--iou-type', 'segm');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/segm-bad\.json: \[0\]\.segmentation: RLE string/);
    expect(ablateEval('--gt', gtPath, '--dt', file('segm-dt2.json', segmDets), '--iou-type', 'oks').stderr).toMatch(/expected one of bbox, segm, keypoints/);
  });

  it('evaluates person keypoints with --iou-type keypoints as the official COCO API (a recorded case), exit 2 on bad input', () => {
    // Case 11 of the official fixtures (libs/detection/src/eval/fixtures-keypoints/README.md).
    const fixturePath = join(ROOT, 'libs', 'detection', 'src', 'eval', 'fixtures-keypoints', 'case-11.json');
    const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as { groundTruth: unknown; detections: unknown[]; official: { stats: Record<string, number>; summary: string[] } };
    const gtPath = file('kp-gt.json', fixture.groundTruth), dtPath = file('kp-dt.json', fixture.detections);
    const json = ablateEval('--gt', gtPath, '--dt', dtPath, '--iou-type', 'keypoints', '--json');
    expect(json.stderr).toBe('');
    expect(json.status).toBe(0);
    const stats = JSON.parse(json.stdout) as Record<string, number>;
    expect(Object.keys(stats)).toEqual(['AP', 'AP50', 'AP75', 'APm', 'APl', 'AR', 'AR50', 'AR75', 'ARm', 'ARl']);
    for (const [key, value] of Object.entries(fixture.official.stats)) expect(Math.abs(stats[key]! - value), key).toBeLessThanOrEqual(1e-9);
    const text = ablateEval('--gt', gtPath, '--dt', dtPath, '--iou-type', 'keypoints');
    expect(text.stdout.trimEnd().split('\n')).toEqual(fixture.official.summary);
    // Keypoint results against a ground truth without keypoints (the bbox GT above): exit 2, named.
    const noKeypoints = ablateEval('--gt', file('gt-boxes.json', gt), '--dt', dtPath, '--iou-type', 'keypoints');
    expect(noKeypoints.status).toBe(2);
    expect(noKeypoints.stdout).toBe('');
    expect(noKeypoints.stderr).toMatch(/gt-boxes\.json: categories: the ground truth has no keypoints/);
    // A result with the wrong number of keypoint numbers.
    const short = ablateEval('--gt', gtPath, '--dt', file('kp-short.json', [{ ...(fixture.detections[0] as object), keypoints: [1, 2, 1] }]), '--iou-type', 'keypoints');
    expect(short.status).toBe(2);
    expect(short.stderr).toMatch(/kp-short\.json: \[0\]\.keypoints: expected 51 numbers/);
  });
});
