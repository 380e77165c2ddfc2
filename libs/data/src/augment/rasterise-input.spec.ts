import type { ImageMeta } from '@ablate/detection';
import type { RgbImage } from '../dataset/dataset';
import { denormalisePixel, normalisePixel } from './normalise';
import { rasteriseInput, shrinkByBlocks } from './rasterise-input';

/** A w×h image whose red channel is 10·x, green 10·y, blue 7. */
function ramp(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([10 * x, 10 * y, 7], (y * w + x) * 3);
  return { width: w, height: h, data };
}

const meta = (m: Partial<ImageMeta>): ImageMeta => ({ imageId: 1, originalWidth: 4, originalHeight: 4, scale: 1, padX: 0, padY: 0, flipped: false, ...m });

describe('rasteriseInput', () => {
  it('at scale 1 and pad 0 copies pixels, normalised with the ImageNet statistics', () => {
    const out = new Float32Array(4 * 4 * 3);
    rasteriseInput(ramp(4, 4), meta({}), 4, undefined, out, 0);
    // Pixel (x=2, y=1): red 20 → (20/255 − 0.485) / 0.229 = −1.7754…
    expect(out[(1 * 4 + 2) * 3]).toBeCloseTo((20 / 255 - 0.485) / 0.229, 5);
    expect(out[(1 * 4 + 2) * 3 + 1]).toBeCloseTo(normalisePixel(10, 1), 5);
    expect(denormalisePixel(out[(3 * 4 + 3) * 3 + 2]!, 2)).toBeCloseTo(7, 3);
  });

  it('pads with 0 (the mean colour) and places the image at the pad offset', () => {
    // A 2×2 image at scale 1 with pad (1, 2) in a 4×4 input: input pixel (1, 2) is source (0, 0).
    const out = new Float32Array(4 * 4 * 3).fill(99);
    rasteriseInput(ramp(2, 2), meta({ padX: 1, padY: 2 }), 4, undefined, out, 0);
    expect(out[(2 * 4 + 1) * 3]).toBeCloseTo(normalisePixel(0, 0), 5);
    expect(out[(3 * 4 + 2) * 3]).toBeCloseTo(normalisePixel(10, 0), 5);
    expect(out[(3 * 4 + 2) * 3 + 1]).toBeCloseTo(normalisePixel(10, 1), 5);
    expect(Array.from(out.subarray(0, 4 * 3))).toEqual(new Array(12).fill(0));
  });

  it('mirrors the input when flipped: input column x shows what column S−1−x showed', () => {
    const plain = new Float32Array(4 * 4 * 3);
    const flipped = new Float32Array(4 * 4 * 3);
    rasteriseInput(ramp(4, 4), meta({}), 4, undefined, plain, 0);
    rasteriseInput(ramp(4, 4), meta({ flipped: true }), 4, undefined, flipped, 0);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) expect(flipped[(y * 4 + x) * 3]).toBe(plain[(y * 4 + 3 - x) * 3]);
  });

  it('downscales by 2 with bilinear sampling between source pixel centres', () => {
    // Output pixel 0 centre 0.5 → source 1.0 → sample at 0.5 between columns 0 (red 0) and 1 (red 10): 5.
    const out = new Float32Array(2 * 2 * 3);
    rasteriseInput(ramp(4, 4), meta({ scale: 0.5 }), 2, undefined, out, 0);
    expect(denormalisePixel(out[0]!, 0)).toBeCloseTo(5, 3);
    // Output pixel 1 centre 1.5 → source 3.0 → 2.5 between columns 2 and 3: 25.
    expect(denormalisePixel(out[3]!, 0)).toBeCloseTo(25, 3);
  });

  it('applies brightness as a gain: ×1.2 turns red 20 into 24 (contrast and saturation 1)', () => {
    const out = new Float32Array(4 * 4 * 3);
    rasteriseInput(ramp(4, 4), meta({}), 4, { brightness: 1.2, contrast: 1, saturation: 1 }, out, 0);
    expect(denormalisePixel(out[(1 * 4 + 2) * 3]!, 0)).toBeCloseTo(24, 3);
  });

  it('averages k×k blocks before sampling when shrinking more than 2×, so fine stripes become grey', () => {
    // 12×12 image, columns x ≡ 2 (mod 3) red 210, others 0; shrunk to 4×4 (scale 1/3, k = 3):
    // each output pixel averages one red column of three → 70. Bilinear alone would sample the
    // centre column (output centre 0.5 → source 1.5 → pixel 1 exactly) and give 0.
    const data = new Uint8Array(12 * 12 * 3);
    for (let y = 0; y < 12; y++) for (let x = 0; x < 12; x++) data[(y * 12 + x) * 3] = x % 3 === 2 ? 210 : 0;
    const out = new Float32Array(4 * 4 * 3);
    rasteriseInput({ width: 12, height: 12, data }, meta({ scale: 1 / 3, originalWidth: 12, originalHeight: 12 }), 4, undefined, out, 0);
    for (let p = 0; p < 16; p++) expect(denormalisePixel(out[p * 3]!, 0)).toBeCloseTo(70, 2);
  });

  it('shrinkByBlocks averages partial blocks over the pixels they hold', () => {
    // 3×1 image, k = 2: blocks {0, 1} and {2}: red (10 + 30)/2 = 20 and 50.
    const out = shrinkByBlocks({ width: 3, height: 1, data: Uint8Array.of(10, 0, 0, 30, 0, 0, 50, 0, 0) }, 2);
    expect([out.width, out.height]).toEqual([2, 1]);
    expect(Array.from(out.data)).toEqual([20, 0, 0, 50, 0, 0]);
  });
});
