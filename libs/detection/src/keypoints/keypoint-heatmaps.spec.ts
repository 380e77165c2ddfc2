import { mulberry32 } from '../nn/random';
import { heatmapsToKeypoints, keypointHeatmapTargets, NO_KEYPOINT_TARGET } from './keypoint-heatmaps';
import { continuousKeypoints, detectionKeypoints, type KeypointDetections } from './keypoint-detections';

/** S·S·K logits (channels last) of one RoI, `high` at cell `label` of keypoint j and 0 elsewhere. */
function spikes(labels: readonly number[], size: number, high = 20): Float32Array {
  const k = labels.length;
  const out = new Float32Array(size * size * k);
  labels.forEach((label, j) => {
    out[label * k + j] = high;
  });
  return out;
}

describe('keypointHeatmapTargets', () => {
  it('puts a keypoint in the cell ⌊(x − x0)·S / w⌋, ⌊(y − y0)·S / h⌋ (detectron2 _keypoints_to_heatmap)', () => {
    // RoI [10, 20, 50, 60] (40 × 40) at S = 8: 5 px a cell. (23, 41) → (⌊13/5⌋, ⌊21/5⌋) = (2, 4) → 4·8 + 2 = 34.
    // (10, 20), the top-left corner → cell 0; (50, 60), the bottom-right edge → the last cell 63 (the boundary case).
    const t = keypointHeatmapTargets([23, 41, 2, 10, 20, 1, 50, 60, 2], [10, 20, 50, 60], 8);
    expect(Array.from(t.labels)).toEqual([34, 0, 63]);
    expect(t.numVisible).toBe(3);
  });

  it('gives no target to an invisible keypoint (v = 0) or one outside its RoI', () => {
    // Point 0 unlabelled; point 1 left of the box; point 2 below it; point 3 inside, labelled-occluded
    // (v = 1 counts): (30, 30) → cell (⌊20/5⌋, ⌊10/5⌋) = (4, 2) → 2·8 + 4.
    const t = keypointHeatmapTargets([30, 30, 0, 9.9, 30, 2, 30, 60.5, 2, 30, 30, 1], [10, 20, 50, 60], 8);
    expect(Array.from(t.labels)).toEqual([NO_KEYPOINT_TARGET, NO_KEYPOINT_TARGET, NO_KEYPOINT_TARGET, 2 * 8 + 4]);
    expect(t.numVisible).toBe(1);
  });

  it('handles several RoIs (RoI-major) and none; refuses mismatched lengths', () => {
    const t = keypointHeatmapTargets([5, 5, 2, 15, 15, 2], [0, 0, 10, 10, 10, 10, 20, 20], 2);
    // One keypoint an RoI: (5, 5) in [0, 10]² at S = 2 → cell (1, 1) = 3; (15, 15) in [10, 20]² → 3.
    expect(Array.from(t.labels)).toEqual([3, 3]);
    expect(keypointHeatmapTargets([], [], 4)).toEqual({ labels: new Int32Array(0), numVisible: 0 });
    expect(() => keypointHeatmapTargets([1, 2, 2, 3], [0, 0, 1, 1], 4)).toThrow(/keypoints for 1 RoIs/);
  });
});

describe('heatmapsToKeypoints', () => {
  // Points in the border cells are left out: there PyTorch's bicubic resize clamps its taps, so the
  // upsampled values between the cell's centre and the RoI's edge tie or rise to the edge (detectron2
  // decodes those points at the edge too).
  it('decodes an encoded point back into its cell, within half a cell (and half a pixel) of it', () => {
    const rand = mulberry32(7);
    for (const size of [8, 14, 56]) {
      for (let trial = 0; trial < 20; trial++) {
        const x0 = 100 * rand();
        const y0 = 100 * rand();
        // RoIs at least S px a side: the heatmap is upsampled to them. (Resizing down, as PyTorch's
        // bicubic does without antialiasing, can step over a one-cell spike.)
        const w = size + 200 * rand();
        const h = size + 200 * rand();
        const roi = [x0, y0, x0 + w, y0 + h];
        const inner = (lo: number, side: number) => lo + side * (1 + (size - 2) * rand()) / size;
        const points = [inner(x0, w), inner(y0, h), 2, inner(x0, w), inner(y0, h), 2];
        const { labels } = keypointHeatmapTargets(points, roi, size);
        const decoded = heatmapsToKeypoints(spikes(Array.from(labels), size), roi, size, 2);
        // Encoding the decoded point again gives the same cell.
        expect(Array.from(keypointHeatmapTargets([decoded[0]!, decoded[1]!, 2, decoded[3]!, decoded[4]!, 2], roi, size).labels)).toEqual(Array.from(labels));
        for (let j = 0; j < 2; j++) {
          // The arg-max pixel is the one whose centre is nearest the cell's centre: off it by ≤ half a pixel.
          const cellW = w / size;
          const cellH = h / size;
          expect(Math.abs(decoded[3 * j]! - points[3 * j]!)).toBeLessThanOrEqual(cellW / 2 + 0.5 * (w / Math.ceil(w)) + 1e-4);
          expect(Math.abs(decoded[3 * j + 1]! - points[3 * j + 1]!)).toBeLessThanOrEqual(cellH / 2 + 0.5 * (h / Math.ceil(h)) + 1e-4);
        }
      }
    }
  });

  it('is the identity grid when the RoI is S pixels wide: cell d → d + 0.5, score the softmax probability over the S×S heatmap', () => {
    // S = 4, RoI [0, 0, 4, 4]: no resizing. Keypoint 0 peaks at cell (x 1, y 2) = 9 with logit 2, others 0.
    const logits = new Float32Array(16);
    logits[9] = 2;
    const [x, y, score] = Array.from(heatmapsToKeypoints(logits, [0, 0, 4, 4], 4, 1));
    expect(x).toBeCloseTo(1.5, 6);
    expect(y).toBeCloseTo(2.5, 6);
    // e² / (e² + 15).
    expect(score).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 15), 6);
  });

  it('resizes bicubically as PyTorch does: a 2×2 map to 4×4 keeps the arg-max in the right quadrant', () => {
    // Bottom-right cell high: after upsampling, the max is at output pixel (3, 3) → (3.5, 3.5) in a 4-px RoI at 10.
    const [x, y] = Array.from(heatmapsToKeypoints([0, 0, 0, 5], [10, 10, 14, 14], 2, 1));
    expect([x, y]).toEqual([13.5, 13.5]);
  });
});

/**
 * An independent oracle: PyTorch's bicubic resize (a = −0.75, align_corners False, clamped taps)
 * written as the direct 16-tap sum of every output pixel, then the first arg-max.
 */
function bruteForceArgMax(map: ArrayLike<number>, size: number, outH: number, outW: number): [number, number] {
  const kernel = (d: number) => {
    const x = Math.abs(d);
    if (x <= 1) return (1.25 * x - 2.25) * x * x + 1;
    return x < 2 ? ((-0.75 * x + 3.75) * x - 6) * x + 3 : 0;
  };
  const clamp = (i: number) => Math.min(Math.max(i, 0), size - 1);
  let best = -Infinity;
  let at: [number, number] = [0, 0];
  for (let oy = 0; oy < outH; oy++) {
    const sy = ((oy + 0.5) * size) / outH - 0.5;
    for (let ox = 0; ox < outW; ox++) {
      const sx = ((ox + 0.5) * size) / outW - 0.5;
      let v = 0;
      for (let i = Math.floor(sy) - 1; i <= Math.floor(sy) + 2; i++) {
        for (let j = Math.floor(sx) - 1; j <= Math.floor(sx) + 2; j++) v += kernel(sy - i) * kernel(sx - j) * map[clamp(i) * size + clamp(j)]!;
      }
      if (v > best + 1e-9) {
        best = v;
        at = [ox, oy];
      }
    }
  }
  return at;
}

describe('heatmapsToKeypoints against a brute-force bicubic resize', () => {
  it('finds the same arg-max pixel on random smooth and spiky heatmaps, small and large RoIs', () => {
    const rand = mulberry32(11);
    const size = 14;
    for (let trial = 0; trial < 12; trial++) {
      // Two bumps and noise: several local maxima, so the row pruning has something to skip and to keep.
      const map = new Float32Array(size * size);
      const peaks = [0, 1].map(() => [size * rand(), size * rand(), 2 + 6 * rand()] as const);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) map[y * size + x] = peaks.reduce((v, [px, py, h]) => v + h * Math.exp(-((x - px) ** 2 + (y - py) ** 2) / 3), 0) + 0.5 * rand();
      }
      const w = trial < 6 ? size + 20 * rand() : 150 + 200 * rand();
      const h = trial < 6 ? size + 20 * rand() : 150 + 200 * rand();
      const [ox, oy] = bruteForceArgMax(map, size, Math.ceil(h), Math.ceil(w));
      const [x, y] = Array.from(heatmapsToKeypoints(map, [0, 0, w, h], size, 1));
      expect([x, y]).toEqual([expect.closeTo((ox + 0.5) * (w / Math.ceil(w)), 4), expect.closeTo((oy + 0.5) * (h / Math.ceil(h)), 4)]);
    }
  });
});

describe('keypoints in COCO results', () => {
  const meta = { imageId: 3, originalWidth: 100, originalHeight: 50, scale: 0.5, padX: 0, padY: 12, flipped: false };

  it('a COCO pixel index through the batch, continuous positions and back to the results is the identity', () => {
    // kp-data places COCO (x, y) at x·scale + pad; pixel 40 → 20 (+ pad), its centre 40.5 → 20.25.
    const batch = Float32Array.of(40 * 0.5, 10 * 0.5 + 12, 2, 0, 0, 0);
    const continuous = continuousKeypoints(batch, meta);
    expect(Array.from(continuous)).toEqual([20.25, 17.25, 2, 0, 0, 0]);
    const dets: KeypointDetections = { boxes: Float32Array.of(0, 0, 50, 50), scores: Float32Array.of(0.9), classes: Int32Array.of(0), keypoints: Float32Array.of(20.25, 17.25, 0.7, 1, 1, 0.1), numKeypoints: 2 };
    expect(detectionKeypoints(dets, 0, meta)).toEqual([40, 10, 1, 1.5, -22.5, 1]);
    expect(() => detectionKeypoints(dets, 0, { ...meta, flipped: true })).toThrow(/mirrored/);
  });

  it('shifts a mirrored batch point the other way in x', () => {
    expect(Array.from(continuousKeypoints(Float32Array.of(30, 10, 1), { ...meta, flipped: true }))).toEqual([29.75, 10.25, 1]);
  });
});
