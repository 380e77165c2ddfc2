import type { SlidingWindowConfig } from '../config';

/**
 * The dense multi-scale window set of a square input of side `inputSize` (XYXY input pixels, flat
 * 4·N): for each size s (a fraction of the side) and aspect ratio r = h/w, windows of the area of
 * an s-sided square (w = s·S/√r, h = s·S·√r, capped at the input) placed every `stride`·side along
 * each axis, the last one flush with the far edge so that the whole input is covered. Duplicates
 * (a capped window repeated) are dropped. Order: size, ratio, row, column.
 */
export function slidingWindows(inputSize: number, options: SlidingWindowConfig): Float32Array {
  const out: number[] = [];
  const seen = new Set<string>();
  for (const size of options.sizes) {
    for (const ratio of options.aspectRatios) {
      const side = size * inputSize;
      const w = Math.min(inputSize, side / Math.sqrt(ratio));
      const h = Math.min(inputSize, side * Math.sqrt(ratio));
      for (const y of positions(inputSize, h, options.stride * h)) {
        for (const x of positions(inputSize, w, options.stride * w)) {
          const key = `${x},${y},${w},${h}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push(x, y, x + w, y + h);
        }
      }
    }
  }
  return Float32Array.from(out);
}

/** Offsets 0, step, 2·step … of a window of `length` along a side of `extent`, plus one flush with its end. */
function positions(extent: number, length: number, step: number): number[] {
  const last = extent - length;
  const out: number[] = [];
  for (let p = 0; p < last - 1e-6; p += step) out.push(p);
  out.push(last);
  return out;
}
