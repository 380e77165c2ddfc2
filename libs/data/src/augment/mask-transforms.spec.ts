import '@tensorflow/tfjs-backend-cpu';
import type { ImageMeta } from '@ablate/detection';
import { rleDecode, rleEncode } from '@ablate/detection';
import { drawSampleTransform } from './augment-params';
import { boxesToInput, clipAndFilterBoxes } from './box-transforms';
import { instanceMaskBox, masksToInput, rleWindow } from './mask-transforms';
import { Rng } from '../synthetic/prng';
import { ownerMap } from '../synthetic/scene';
import { syntheticShapes } from '../synthetic/synthetic-dataset';
import { createTrainSource } from '../pipeline/train-source';
import { datasetHasMasks } from '../dataset/dataset';

/** The bitmap of instance k as a full S×S row-major array. */
function fullMask(m: ReturnType<typeof masksToInput>, k: number): Uint8Array {
  const S = m.inputSize;
  const out = new Uint8Array(S * S);
  const [x0, y0, w, h] = m.windows.subarray(4 * k, 4 * k + 4);
  for (let y = 0; y < h!; y++) for (let x = 0; x < w!; x++) out[(y0! + y) * S + x0! + x] = m.data[m.offsets[k]! + y * w! + x]!;
  return out;
}

describe('instance masks through augmentation', () => {
  it('synthetic masks are exactly each shape\'s visible pixels (the owner map), tight on the box', () => {
    const ds = syntheticShapes({ images: 12, size: 64, seed: 3 });
    expect(datasetHasMasks(ds)).toBe(true);
    for (const img of ds.images) {
      const owner = ownerMap(64, img.synthetic!.shapes);
      img.masks?.forEach((rle, k) => {
        const bits = rleDecode(rle);
        for (let x = 0; x < 64; x++) for (let y = 0; y < 64; y++) expect(bits[x * 64 + y]).toBe(owner[y * 64 + x] === k ? 1 : 0);
        const win = rleWindow(rle);
        expect([win.x0, win.y0, win.x0 + win.width, win.y0 + win.height]).toEqual(Array.from(img.boxes.subarray(4 * k, 4 * k + 4)));
      });
    }
  });

  it('decodes a window and maps it by hand: a 2×3 block at (1, 2) of a 6×5 image, flipped, scale 2, pad (1, 0)', () => {
    // h = 6 rows, w = 5 columns; block x 1..2, y 2..4 (width 2, height 3).
    const bits = new Uint8Array(30);
    for (let x = 1; x <= 2; x++) for (let y = 2; y <= 4; y++) bits[x * 6 + y] = 1;
    const rle = rleEncode(bits, 6, 5);
    const win = rleWindow(rle);
    expect([win.x0, win.y0, win.width, win.height]).toEqual([1, 2, 2, 3]);
    expect(Array.from(win.bits)).toEqual([1, 1, 1, 1, 1, 1]);
    const meta: ImageMeta = { imageId: 1, originalWidth: 5, originalHeight: 6, scale: 2, padX: 1, padY: 0, flipped: true };
    const m = masksToInput([rle], meta, 16);
    // x: [1, 3)·2 + 1 = [3, 7), mirrored in 16 → [9, 13); y: [2, 5)·2 = [4, 10).
    expect(instanceMaskBox(m, 0)).toEqual([9, 4, 13, 10]);
    expect(Array.from(boxesToInput(Float32Array.of(1, 2, 3, 5), meta, 16))).toEqual([9, 4, 13, 10]);
    expect(fullMask(m, 0).reduce((s, v) => s + v, 0)).toBe(24);
  });

  it('keeps masks aligned with their boxes under letterbox, scale jitter (crop and pad) and flip', () => {
    const ds = syntheticShapes({ images: 40, size: 96, seed: 5 });
    const S = 80;
    let checked = 0;
    let flips = 0;
    ds.images.forEach((img, i) => {
      const augment = { flip: true, scaleJitter: [0.6, 1.5] as [number, number], photometric: false };
      const { meta } = drawSampleTransform(img.id, img.width, img.height, S, i % 4 === 0 ? undefined : augment, new Rng(100 + i));
      if (meta.flipped) flips++;
      const moved = boxesToInput(img.boxes, meta, S);
      const kept = clipAndFilterBoxes({ boxes: moved, labels: img.labels }, S, S, 0.3);
      const masks = masksToInput(Array.from(kept.kept, (k) => img.masks![k]!), meta, S);
      kept.kept.forEach((_, j) => {
        const box = instanceMaskBox(masks, j);
        expect(box).toBeDefined();
        // The transformed mask's tight box equals the transformed (clipped) box within a pixel:
        // both are the same pixels' extent, resampled at pixel centres.
        const tol = 1 + 1e-4;
        for (let q = 0; q < 4; q++) expect(Math.abs(box![q]! - kept.boxes[4 * j + q]!)).toBeLessThanOrEqual(tol);
        checked++;
      });
    });
    expect(checked).toBeGreaterThan(50);
    expect(flips).toBeGreaterThan(5);
  });

  it('flipping a mask mirrors it exactly (integer scale, no pad)', () => {
    const ds = syntheticShapes({ images: 3, size: 32, seed: 9 });
    const img = ds.images[0]!;
    const base: ImageMeta = { imageId: 1, originalWidth: 32, originalHeight: 32, scale: 1, padX: 0, padY: 0, flipped: false };
    const plain = masksToInput(img.masks!, base, 32);
    const flipped = masksToInput(img.masks!, { ...base, flipped: true }, 32);
    for (let k = 0; k < img.masks!.length; k++) {
      const a = fullMask(plain, k);
      const b = fullMask(flipped, k);
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) expect(b[y * 32 + 31 - x]).toBe(a[y * 32 + x]);
    }
  });

  it('the train source carries gtMasks parallel to gtBoxes only when asked, and refuses a dataset without masks', async () => {
    const ds = syntheticShapes({ images: 8, size: 64, seed: 1 });
    const source = createTrainSource(ds, { inputSize: 64, batchSize: 4, seed: 2, masks: true, augment: { flip: true, scaleJitter: [0.8, 1.2], photometric: false } });
    for await (const batch of source.batches(0)) {
      expect(batch.gtMasks).toHaveLength(4);
      batch.gtMasks!.forEach((m, b) => expect(m.offsets.length).toBe(batch.gtLabels[b]!.length));
      batch.images.dispose();
    }
    const plain = createTrainSource(ds, { inputSize: 64, batchSize: 4, seed: 2 });
    for await (const batch of plain.batches(0)) {
      expect(batch.gtMasks).toBeUndefined();
      batch.images.dispose();
    }
    const stripped = { ...ds, images: ds.images.map((img) => ({ ...img, masks: undefined })) };
    expect(() => createTrainSource(stripped, { inputSize: 64, batchSize: 4, seed: 2, masks: true })).toThrow(/instance mask .* every box/);
  });
});
