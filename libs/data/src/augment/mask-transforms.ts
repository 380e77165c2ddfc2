import type { ImageMeta, InstanceMasks, Rle } from '@ablate/detection';
import { rleToBbox } from '@ablate/detection';

/** A mask's foreground inside its tight box, row-major: what the transform samples from. */
interface Window {
  x0: number;
  y0: number;
  width: number;
  height: number;
  bits: Uint8Array;
}

/**
 * Decodes the part of a COCO RLE (column-major, x·h + y) inside its own tight box into a row-major
 * bitmap, touching only the runs, never the whole h×w image.
 */
export function rleWindow(rle: Rle): Window {
  const [x0, y0, width, height] = rleToBbox(rle);
  const bits = new Uint8Array(width * height);
  const h = rle.h;
  let p = 0;
  for (let j = 0; j < rle.counts.length; j++) {
    const count = rle.counts[j]!;
    if (j % 2 === 1) {
      for (let q = p; q < p + count; ) {
        const x = Math.floor(q / h);
        const y = q - x * h;
        // The rest of this 1-run in column x.
        const end = Math.min(p + count - q, h - y);
        for (let t = 0; t < end; t++) bits[(y + t - y0) * width + (x - x0)] = 1;
        q += end;
      }
    }
    p += count;
  }
  return { x0, y0, width, height, bits };
}

/** Bilinear value of a window at source coordinate (sx, sy) (pixel centres at k + 0.5), 0 outside it. */
function sampleWindow(win: Window, sx: number, sy: number): number {
  const cx = sx - 0.5 - win.x0;
  const cy = sy - 0.5 - win.y0;
  const fx = Math.floor(cx);
  const fy = Math.floor(cy);
  const wx = cx - fx;
  const wy = cy - fy;
  let sum = 0;
  for (let dy = 0; dy <= 1; dy++) {
    const y = fy + dy;
    if (y < 0 || y >= win.height) continue;
    for (let dx = 0; dx <= 1; dx++) {
      const x = fx + dx;
      if (x < 0 || x >= win.width) continue;
      sum += (dx ? wx : 1 - wx) * (dy ? wy : 1 - wy) * win.bits[y * win.width + x]!;
    }
  }
  return sum;
}

/**
 * Instance masks (original-image RLEs) placed in the network input exactly as the pixels are
 * (rasteriseInput): letterbox scale and offset, crop, mirror when `meta.flipped`. Each input pixel
 * centre maps back to u = (x + 0.5 mirrored − pad) / scale in the original, where the mask is
 * sampled bilinearly and thresholded at 0.5 (nearest-like when enlarging, an average of the
 * neighbours when shrinking). Only each mask's transformed window is visited.
 *
 * @param rles - the masks to carry, in the order of the boxes they belong to.
 */
export function masksToInput(rles: readonly Rle[], meta: ImageMeta, inputSize: number): InstanceMasks {
  const S = inputSize;
  const n = rles.length;
  const windows = new Int32Array(4 * n);
  const offsets = new Int32Array(n);
  const parts: Uint8Array[] = [];
  let total = 0;
  rles.forEach((rle, k) => {
    const src = rleWindow(rle);
    const [ix0, iy0, ix1, iy1] = inputWindow(src, meta, S);
    const w = Math.max(0, ix1 - ix0);
    const h = Math.max(0, iy1 - iy0);
    const bits = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      const sy = (iy0 + y + 0.5 - meta.padY) / meta.scale;
      for (let x = 0; x < w; x++) {
        const u = ix0 + x + 0.5;
        const sx = ((meta.flipped ? S - u : u) - meta.padX) / meta.scale;
        if (sampleWindow(src, sx, sy) >= 0.5) bits[y * w + x] = 1;
      }
    }
    windows.set([ix0, iy0, w, h], 4 * k);
    offsets[k] = total;
    total += bits.length;
    parts.push(bits);
  });
  const data = new Uint8Array(total);
  parts.forEach((bits, k) => data.set(bits, offsets[k]!));
  return { inputSize: S, windows, offsets, data };
}

/** The input pixels a source window can reach (one pixel of margin for the bilinear taps), clipped to the input. */
function inputWindow(src: Window, meta: ImageMeta, S: number): [number, number, number, number] {
  if (src.width === 0 || src.height === 0) return [0, 0, 0, 0];
  let a = (src.x0 - 1) * meta.scale + meta.padX;
  let b = (src.x0 + src.width + 1) * meta.scale + meta.padX;
  if (meta.flipped) [a, b] = [S - b, S - a];
  const c = (src.y0 - 1) * meta.scale + meta.padY;
  const d = (src.y0 + src.height + 1) * meta.scale + meta.padY;
  const clip = (v: number): number => Math.min(Math.max(v, 0), S);
  return [clip(Math.floor(a)), clip(Math.floor(c)), clip(Math.ceil(b)), clip(Math.ceil(d))];
}

/**
 * The window actually covered by foreground (tight box of set pixels) of instance k, XYXY input
 * pixels, or undefined when empty: how tests and callers compare a mask with its box.
 */
export function instanceMaskBox(masks: InstanceMasks, k: number): [number, number, number, number] | undefined {
  const [x0, y0, w, h] = masks.windows.subarray(4 * k, 4 * k + 4) as unknown as [number, number, number, number];
  const base = masks.offsets[k]!;
  let xa = Infinity, ya = Infinity, xb = -Infinity, yb = -Infinity;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!masks.data[base + y * w + x]) continue;
      xa = Math.min(xa, x0 + x);
      ya = Math.min(ya, y0 + y);
      xb = Math.max(xb, x0 + x + 1);
      yb = Math.max(yb, y0 + y + 1);
    }
  }
  return xa === Infinity ? undefined : [xa, ya, xb, yb];
}
