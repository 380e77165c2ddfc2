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
 * [0, srcLen) it is padding. Sampling uses pixel centres, clamped at the borders.
 */
function taps(outLen: number, srcLen: number, scale: number, pad: number, mirror: boolean): Taps {
  const t: Taps = { i0: new Int32Array(outLen), i1: new Int32Array(outLen), w1: new Float32Array(outLen) };
  for (let o = 0; o < outLen; o++) {
    const u = mirror ? outLen - (o + 0.5) : o + 0.5;
    const s = (u - pad) / scale;
    if (s < 0 || s >= srcLen) {
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
 * Writes one image into a network input: letterbox (resize by `meta.scale`, offset by
 * `meta.padX/padY`, crop what falls outside), horizontal mirror when `meta.flipped`,
 * photometric jitter, ImageNet normalisation — one pass, bilinear sampling.
 *
 * @param out `[S, S, 3]` float32 region of a batch buffer starting at `offset`; padding is 0.
 */
export function rasteriseInput(src: RgbImage, meta: ImageMeta, inputSize: number, photometric: PhotometricParams | undefined, out: Float32Array, offset: number): void {
  const S = inputSize;
  const xs = taps(S, src.width, meta.scale, meta.padX, meta.flipped);
  const ys = taps(S, src.height, meta.scale, meta.padY, false);
  const data = src.data;
  const rowStride = src.width * 3;
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
