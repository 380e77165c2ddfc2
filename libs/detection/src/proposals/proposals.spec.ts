import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iou } from '../boxes/iou';
import { ProposalConfigSchema, SlidingWindowConfigSchema } from '../config';
import { mulberry32 } from '../nn/random';
import { graphSegmentation } from './graph-segmentation';
import { hierarchicalGrouping } from './hierarchical-grouping';
import { parseProposals, proposalsInInput, readProposalFile } from './proposal-file';
import { createProposalSource } from './proposal-source';
import { slidingWindows } from './sliding-window';

/** Best IoU of `box` (XYXY) with any of `boxes` (flat 4·N). */
function bestIou(boxes: Float32Array, box: number[]): number {
  return Math.max(...iou(boxes, Float32Array.from(box)));
}

describe('slidingWindows', () => {
  it('places each size every stride, the last flush with the edge, inside the input', () => {
    // 64 px input, 16 px squares every 8 px: offsets 0, 8 … 48 → 7 × 7 windows; 32 px every 16: 0, 16, 32 → 3 × 3.
    const windows = slidingWindows(64, SlidingWindowConfigSchema.parse({ sizes: [0.25, 0.5], aspectRatios: [1], stride: 0.5 }));
    expect(windows.length / 4).toBe(49 + 9);
    expect(Array.from(windows.subarray(0, 8))).toEqual([0, 0, 16, 16, 8, 0, 24, 16]);
    expect(Array.from(windows.subarray(-4))).toEqual([32, 32, 64, 64]);
    for (const v of windows) expect(v >= 0 && v <= 64).toBe(true);
    // Not a multiple of the stride: 24 px windows every 12 px on 64 px → 0, 12, 24, 36 and 40 flush with the edge.
    const odd = slidingWindows(64, SlidingWindowConfigSchema.parse({ sizes: [0.375], aspectRatios: [1], stride: 0.5 }));
    expect(odd.length / 4).toBe(25);
    expect(Array.from(odd.subarray(16, 20))).toEqual([40, 0, 64, 24]);
  });

  it('covers every scale and ratio: any box of a configured size has a window of IoU ≥ 0.39', () => {
    // Half-overlapping windows are at most a quarter side off a box of their size along each
    // axis: IoU ≥ 0.75² / (2 − 0.75²) = 0.391.
    const config = SlidingWindowConfigSchema.parse({ sizes: [0.125, 0.25, 0.5], aspectRatios: [0.5, 1, 2], stride: 0.5 });
    const S = 128;
    const windows = slidingWindows(S, config);
    const rand = mulberry32(7);
    for (const size of config.sizes) {
      for (const ratio of config.aspectRatios) {
        const w = (size * S) / Math.sqrt(ratio);
        const h = size * S * Math.sqrt(ratio);
        for (let t = 0; t < 50; t++) {
          const x = rand() * (S - w);
          const y = rand() * (S - h);
          expect(bestIou(windows, [x, y, x + w, y + h])).toBeGreaterThanOrEqual(0.39);
        }
      }
    }
  });
});

/**
 * A 64×64 scene in the network's units (ImageNet-normalised, one unit ≈ 57 grey levels): a grey
 * background with a gradient, stripes and per-pixel noise, and three flat-coloured objects.
 */
function scene(): { pixels: Float32Array; objects: number[][] } {
  const S = 64;
  const rand = mulberry32(11);
  const objects = [
    { box: [6, 8, 26, 28], colour: [200, 40, 40], inside: (u: number, v: number) => u * u + v * v <= 1 },
    { box: [34, 6, 58, 22], colour: [40, 180, 60], inside: () => true },
    { box: [20, 36, 50, 60], colour: [50, 60, 220], inside: (u: number, v: number) => Math.abs(u) <= (v + 1) / 2 },
  ];
  const pixels = new Float32Array(S * S * 3);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      let colour = [120 + 0.4 * x + 8 * Math.sin(x / 3), 120 + 0.3 * y, 125];
      for (const o of objects) {
        const [x1, y1, x2, y2] = o.box;
        const u = ((x + 0.5 - x1) / (x2 - x1)) * 2 - 1;
        const v = ((y + 0.5 - y1) / (y2 - y1)) * 2 - 1;
        if (Math.abs(u) <= 1 && Math.abs(v) <= 1 && o.inside(u, v)) colour = o.colour;
      }
      for (let c = 0; c < 3; c++) pixels[(y * S + x) * 3 + c] = (colour[c] + (rand() - 0.5) * 20 - 120) / 57;
    }
  }
  return { pixels, objects: objects.map((o) => o.box) };
}

describe('segmentation proposals (graph segmentation + hierarchical grouping)', () => {
  it('propose each object of a synthetic scene (IoU 1, 1 and 0.9) in a few dozen boxes', () => {
    const { pixels, objects } = scene();
    const { segmentation } = ProposalConfigSchema.parse({});
    const seg = graphSegmentation(pixels, 64, 64, 3, segmentation);
    expect(seg.count).toBeGreaterThan(3);
    const boxes = hierarchicalGrouping(seg, pixels, 64, 64, 3, { max: 300 });
    // Regions of a hierarchy over N initial segments: at most 2N − 1 boxes.
    expect(boxes.length / 4).toBeLessThanOrEqual(2 * seg.count - 1);
    // Measured: 13 segments, 15 boxes; IoU 1 for the disc and the rectangle, 0.90 for the triangle,
    // whose apex rows are under a pixel wide, so its pixels' box is shorter than the drawn one.
    expect(boxes.length / 4).toBeLessThanOrEqual(40);
    expect(objects.map((box) => bestIou(boxes, box))).toEqual([1, 1, expect.closeTo(0.9, 2)]);
    // The top of the hierarchy is the whole image.
    expect(bestIou(boxes, [0, 0, 64, 64])).toBe(1);
  });

  it('keeps at most maxPerImage and caches by image content', () => {
    const { pixels } = scene();
    const source = createProposalSource(ProposalConfigSchema.parse({ source: 'segmentation', maxPerImage: 5 }), 64);
    const [first] = source.proposals(pixels, 1, undefined);
    expect(first.length / 4).toBe(5);
    expect(source.proposals(pixels.slice(), 1, undefined)[0]).toBe(first);
    const changed = pixels.slice();
    changed[0] += 1;
    expect(source.proposals(changed, 1, undefined)[0]).not.toBe(first);
  });
});

describe('proposals file', () => {
  const meta = { imageId: 7, originalWidth: 200, originalHeight: 100, scale: 0.32, padX: 0, padY: 16, flipped: false };

  it('reads COCO-format proposals, best score first, and maps them into the input', () => {
    const text = JSON.stringify([
      { image_id: 7, bbox: [10, 20, 50, 25], score: 0.2 },
      { image_id: 7, bbox: [100, 0, 100, 100], score: 0.9, category_id: 1 },
      { image_id: 8, bbox: [0, 0, 5, 5], score: 1 },
    ]);
    const all = parseProposals(text, 'p.json');
    expect([...all.keys()]).toEqual([7, 8]);
    expect(Array.from(all.get(7)!.scores)).toEqual([Float32Array.of(0.9)[0], Float32Array.of(0.2)[0]]);
    // input = original · 0.32 + (0, 16): [100, 0, 200, 100] → [32, 16, 64, 48]; [10, 20, 60, 45] → [3.2, 22.4, 19.2, 30.4].
    const boxes = proposalsInInput(all, meta, 64, 10);
    expect(Array.from(boxes)).toEqual(Array.from(Float32Array.of(32, 16, 64, 48, 3.2, 22.4, 19.2, 30.4)));
    expect(Array.from(proposalsInInput(all, meta, 64, 1))).toEqual([32, 16, 64, 48]);
    // Mirrored: x ↦ 64 − x.
    expect(Array.from(proposalsInInput(all, { ...meta, flipped: true }, 64, 1))).toEqual([0, 16, 32, 48]);
    expect(proposalsInInput(all, { ...meta, imageId: 9 }, 64, 10).length).toBe(0);
  });

  it('names the file and the entry of what is wrong', () => {
    const bad = (entries: unknown) => () => parseProposals(JSON.stringify(entries), 'props.json');
    expect(() => parseProposals('{"a": ', 'props.json')).toThrow(/^props\.json: proposals file is not valid JSON/);
    expect(bad({ image_id: 1 })).toThrow('props.json: proposals file must be a JSON list of {image_id, bbox: [x, y, w, h], score}');
    expect(bad([{ image_id: 1, bbox: [0, 0, 1, 1], score: 1 }, 3])).toThrow('props.json [1]: must be an object {image_id, bbox, score}');
    expect(bad([{ image_id: '1', bbox: [0, 0, 1, 1], score: 1 }])).toThrow('props.json [0].image_id: must be an integer image id');
    expect(bad([{ image_id: 1, bbox: [0, 0, 1], score: 1 }])).toThrow('props.json [0].bbox: must be [x, y, width, height], four finite numbers');
    expect(bad([{ image_id: 1, bbox: [0, 0, 0, 4], score: 1 }])).toThrow('props.json [0].bbox: width and height must be positive, got 0 × 4');
    expect(bad([{ image_id: 1, bbox: [0, 0, 2, 4] }])).toThrow('props.json [0].score: must be a finite number');
    expect(() => readProposalFile('/nonexistent/props.json')).toThrow('/nonexistent/props.json: cannot read the proposals file (ENOENT)');
  });

  it('gives an image the file does not list the whole input, and needs the images’ placements', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ablate-proposals-'));
    try {
      const path = join(dir, 'p.json');
      writeFileSync(path, JSON.stringify([{ image_id: 7, bbox: [100, 0, 100, 100], score: 0.9 }]));
      const source = createProposalSource(ProposalConfigSchema.parse({ source: 'file', file: path }), 64);
      const [listed, unlisted] = source.proposals(new Float32Array(0), 2, [meta, { ...meta, imageId: 8 }]);
      expect(Array.from(listed)).toEqual([32, 16, 64, 48]);
      expect(Array.from(unlisted)).toEqual([0, 0, 64, 64]);
      expect(() => source.proposals(new Float32Array(0), 1, undefined)).toThrow(/needs the ImageMeta/);
      // Read when the source is made, so a bad file fails before training starts.
      writeFileSync(path, '[{"image_id": 1}]');
      expect(() => createProposalSource(ProposalConfigSchema.parse({ source: 'file', file: path }), 64)).toThrow(`${path} [0].bbox`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is refused by the config schema without a file', () => {
    const parsed = ProposalConfigSchema.safeParse({ source: 'file' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['file'], message: expect.stringContaining("source 'file' needs proposals.file") });
  });
});
