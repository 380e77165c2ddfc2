import type { ImageMeta } from '@ablate/detection';
import type { RgbImage } from '../dataset/dataset';
import type { PhotometricParams } from './augment-params';
import { NORMALISE_OFFSET, NORMALISE_SCALE } from './normalise';

/** Contrast is stretched about mid-grey (not the image mean: no extra pass over the pixels). */
const CONTRAST_PIVOT = 127.5;

/** For each output column (or row): the two source indices and the weight of the second, or −1 for padding. */
interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  w1: Float32Array;
}

/**
 * Bilinear taps along one axis. Output pixel o (centre o + 0.5) in input coordinates, mirrored
 * about the input side when `mirror`, maps to source coordinate (u − pad) / scale; outside
 * [0, extent) it is padding. Sampling uses pixel centres, clamped at the borders. `extent` is the
 * original image's length in source pixels (≤ srcLen; differs after a partial-block shrink).
 */
function taps(outLen: number, srcLen: number, extent: number, scale: number, pad: number, mirror: boolean): Taps {
  const t: Taps = { i0: new Int32Array(outLen), i1: new Int32Array(outLen), w1: new Float32Array(outLen) };
  for (let o = 0; o < outLen; o++) {
    const u = mirror ? outLen - (o + 0.5) : o + 0.5;
    const s = (u - pad) / scale;
    if (s < 0 || s >= extent) {
      t.i0[o] = -1;
      continue;
    }
    const c = Math.min(Math.max(s - 0.5, 0), srcLen - 1);
    const f = Math.floor(c);
    t.i0[o] = f;
    t.i1[o] = Math.min(f + 1, srcLen - 1);
    t.w1[o] = c - f;
  }
  return t;
}

/**
 * Shrinks an image by an integer factor k, averaging each k×k block (partial blocks at the
 * right and bottom average what they hold). Bilinear sampling alone aliases when an image is
 * reduced more than 2× (it reads 4 of the k² pixels an output pixel covers); shrinking first
 * by ⌊1/scale⌋ and then sampling bilinearly is close to an area filter at a fraction of its cost.
 */
export function shrinkByBlocks(src: RgbImage, k: number): RgbImage {
  const w = Math.ceil(src.width / k);
  const h = Math.ceil(src.height / k);
  const sums = new Float64Array(w * h * 3);
  const counts = new Uint32Array(w * h);
  for (let y = 0; y < src.height; y++) {
    const row = Math.floor(y / k) * w;
    for (let x = 0; x < src.width; x++) {
      const q = row + Math.floor(x / k);
      const p = (y * src.width + x) * 3;
      sums[q * 3] += src.data[p]!;
      sums[q * 3 + 1] += src.data[p + 1]!;
      sums[q * 3 + 2] += src.data[p + 2]!;
      counts[q]!++;
    }
  }
  const data = new Uint8Array(w * h * 3);
  for (let q = 0; q < w * h; q++) {
    const n = counts[q]!;
    for (let c = 0; c < 3; c++) data[q * 3 + c] = Math.round(sums[q * 3 + c]! / n);
  }
  return { width: w, height: h, data };
}

/**
 * Writes one image into a network input: letterbox (resize by `meta.scale`, offset by
 * `meta.padX/padY`, crop what falls outside), horizontal mirror when `meta.flipped`,
 * photometric jitter, ImageNet normalisation — one pass, bilinear sampling (after an integer
 * block-average shrink when the image is reduced more than 2×).
 *
 * @param out `[S, S, 3]` float32 region of a batch buffer starting at `offset`; padding is 0.
 */
export function rasteriseInput(src: RgbImage, meta: ImageMeta, inputSize: number, photometric: PhotometricParams | undefined, out: Float32Array, offset: number): void {
  const S = inputSize;
  const k = meta.scale < 0.5 ? Math.floor(1 / meta.scale) : 1;
  const img = k > 1 ? shrinkByBlocks(src, k) : src;
  // In the shrunk image a source coordinate s becomes s / k: the scale becomes scale · k.
  const xs = taps(S, img.width, src.width / k, meta.scale * k, meta.padX, meta.flipped);
  const ys = taps(S, img.height, src.height / k, meta.scale * k, meta.padY, false);
  const data = img.data;
  const rowStride = img.width * 3;
  const [s0, s1, s2] = NORMALISE_SCALE;
  const [o0, o1, o2] = NORMALISE_OFFSET;
  const sat = photometric?.saturation ?? 1;
  const con = photometric?.contrast ?? 1;
  const bri = photometric?.brightness ?? 1;
  const jitter = photometric !== undefined;
  out.fill(0, offset, offset + S * S * 3);
  for (let oy = 0; oy < S; oy++) {
    const y0 = ys.i0[oy]!;
    if (y0 < 0) continue;
    const r0 = y0 * rowStride;
    const r1 = ys.i1[oy]! * rowStride;
    const wy = ys.w1[oy]!;
    let p = offset + oy * S * 3;
    for (let ox = 0; ox < S; ox++, p += 3) {
      const x0 = xs.i0[ox]!;
      if (x0 < 0) continue;
      const a = x0 * 3;
      const b = xs.i1[ox]! * 3;
      const wx = xs.w1[ox]!;
      const w00 = (1 - wx) * (1 - wy);
      const w01 = wx * (1 - wy);
      const w10 = (1 - wx) * wy;
      const w11 = wx * wy;
      let r = data[r0 + a]! * w00 + data[r0 + b]! * w01 + data[r1 + a]! * w10 + data[r1 + b]! * w11;
      let g = data[r0 + a + 1]! * w00 + data[r0 + b + 1]! * w01 + data[r1 + a + 1]! * w10 + data[r1 + b + 1]! * w11;
      let bl = data[r0 + a + 2]! * w00 + data[r0 + b + 2]! * w01 + data[r1 + a + 2]! * w10 + data[r1 + b + 2]! * w11;
      if (jitter) {
        // Saturation (blend with the luma), contrast (about mid-grey), brightness (gain); clamp to 8-bit range.
        const luma = 0.299 * r + 0.587 * g + 0.114 * bl;
        r = ((luma + (r - luma) * sat - CONTRAST_PIVOT) * con + CONTRAST_PIVOT) * bri;
        g = ((luma + (g - luma) * sat - CONTRAST_PIVOT) * con + CONTRAST_PIVOT) * bri;
        bl = ((luma + (bl - luma) * sat - CONTRAST_PIVOT) * con + CONTRAST_PIVOT) * bri;
        r = r < 0 ? 0 : r > 255 ? 255 : r;
        g = g < 0 ? 0 : g > 255 ? 255 : g;
        bl = bl < 0 ? 0 : bl > 255 ? 255 : bl;
      }
      out[p] = r * s0 + o0;
      out[p + 1] = g * s1 + o1;
      out[p + 2] = bl * s2 + o2;
    }
  }
}
