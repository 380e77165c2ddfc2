import { mulberry32 } from '../nn/random';
import type { Segmentation } from './graph-segmentation';

/**
 * Selective search's hierarchical grouping (Uijlings et al. 2013, §3.1–3.3), simplified to one
 * strategy: from an initial segmentation, the two most similar neighbouring regions are merged
 * until one region is left, and every region made on the way (the initial ones too) proposes its
 * bounding box. Similarity is s_colour + s_size + s_fill (§3.2): histogram intersection of 25-bin
 * colour histograms per channel, a bonus for small regions so they merge early, and one for regions
 * that fill each other's bounding box. Simplified against the paper: no texture similarity, one
 * colour space (the input's) and one k instead of the diversified strategies of §3.3.
 */

/** Colour histogram bins per channel (Uijlings et al. §3.2: 25). */
const COLOUR_BINS = 25;

interface Region {
  size: number;
  /** Pixel bounds, inclusive. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** L1-normalised colour histogram, COLOUR_BINS per channel. */
  hist: Float64Array;
}

/**
 * Boxes (XYXY pixels, flat 4·N, each a region's pixel bounds with the far edges +1) of every region
 * of the hierarchy, ranked as §3.3 does: region i of the hierarchy (0 = the last merge, the whole
 * image) gets rank (i + 1) · RND with RND uniform in [0, 1) from `seed`, lowest rank first; exact
 * duplicates keep their first place; at most `max` are returned.
 */
export function hierarchicalGrouping(
  segmentation: Segmentation,
  pixels: Float32Array,
  width: number,
  height: number,
  channels: number,
  options: { max: number; seed?: number },
): Float32Array {
  const regions = initialRegions(segmentation, pixels, width, height, channels);
  const imageSize = width * height;
  const neighbours = adjacency(segmentation, width, height);
  const similarity = new Map<string, number>();
  const key = (a: number, b: number) => (a < b ? `${a},${b}` : `${b},${a}`);
  for (const [a, ns] of neighbours) for (const b of ns) if (a < b) similarity.set(key(a, b), similar(regions[a], regions[b], imageSize));
  while (similarity.size > 0) {
    let best = '';
    let bestValue = -Infinity;
    for (const [k, v] of similarity) {
      if (v > bestValue) {
        bestValue = v;
        best = k;
      }
    }
    const [a, b] = best.split(',').map(Number);
    const t = regions.length;
    regions.push(merge(regions[a], regions[b]));
    const around = new Set([...neighbours.get(a)!, ...neighbours.get(b)!]);
    around.delete(a);
    around.delete(b);
    for (const old of [a, b]) {
      for (const n of neighbours.get(old)!) {
        similarity.delete(key(old, n));
        neighbours.get(n)!.delete(old);
      }
      neighbours.delete(old);
    }
    neighbours.set(t, around);
    for (const n of around) {
      neighbours.get(n)!.add(t);
      similarity.set(key(n, t), similar(regions[n], regions[t], imageSize));
    }
  }
  return rankedBoxes(regions, options.max, options.seed ?? 0);
}

function rankedBoxes(regions: Region[], max: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  // The hierarchy's position: the last region made (the top) is 0.
  const ranked = regions.map((r, i) => ({ r, rank: (regions.length - i) * random() })).sort((p, q) => p.rank - q.rank);
  const seen = new Set<string>();
  const out: number[] = [];
  for (const { r } of ranked) {
    const box = [r.x1, r.y1, r.x2 + 1, r.y2 + 1];
    const k = box.join(',');
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(...box);
    if (out.length / 4 >= max) break;
  }
  return Float32Array.from(out);
}

function initialRegions(segmentation: Segmentation, pixels: Float32Array, width: number, height: number, channels: number): Region[] {
  const { labels, count } = segmentation;
  const lo = new Float64Array(channels).fill(Infinity);
  const hi = new Float64Array(channels).fill(-Infinity);
  for (let i = 0; i < pixels.length; i++) {
    const c = i % channels;
    lo[c] = Math.min(lo[c], pixels[i]);
    hi[c] = Math.max(hi[c], pixels[i]);
  }
  const regions: Region[] = Array.from({ length: count }, () => ({ size: 0, x1: Infinity, y1: Infinity, x2: -1, y2: -1, hist: new Float64Array(COLOUR_BINS * channels) }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const r = regions[labels[p]];
      r.size++;
      r.x1 = Math.min(r.x1, x);
      r.y1 = Math.min(r.y1, y);
      r.x2 = Math.max(r.x2, x);
      r.y2 = Math.max(r.y2, y);
      for (let c = 0; c < channels; c++) {
        const span = hi[c] - lo[c];
        const bin = span > 0 ? Math.min(COLOUR_BINS - 1, Math.floor(((pixels[p * channels + c] - lo[c]) / span) * COLOUR_BINS)) : 0;
        r.hist[c * COLOUR_BINS + bin]++;
      }
    }
  }
  for (const r of regions) for (let i = 0; i < r.hist.length; i++) r.hist[i] /= r.size * channels;
  return regions;
}

/** Region label ↦ the labels of its 4-connected neighbours. */
function adjacency(segmentation: Segmentation, width: number, height: number): Map<number, Set<number>> {
  const { labels, count } = segmentation;
  const out = new Map<number, Set<number>>(Array.from({ length: count }, (_, i) => [i, new Set<number>()]));
  const link = (a: number, b: number) => {
    if (a === b) return;
    out.get(a)!.add(b);
    out.get(b)!.add(a);
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (x + 1 < width) link(labels[p], labels[p + 1]);
      if (y + 1 < height) link(labels[p], labels[p + width]);
    }
  }
  return out;
}

/** s_colour + s_size + s_fill of Uijlings et al. §3.2, each in [0, 1]. */
function similar(a: Region, b: Region, imageSize: number): number {
  let colour = 0;
  for (let i = 0; i < a.hist.length; i++) colour += Math.min(a.hist[i], b.hist[i]);
  const size = 1 - (a.size + b.size) / imageSize;
  const boxArea = (Math.max(a.x2, b.x2) - Math.min(a.x1, b.x1) + 1) * (Math.max(a.y2, b.y2) - Math.min(a.y1, b.y1) + 1);
  const fill = 1 - (boxArea - a.size - b.size) / imageSize;
  return colour + size + fill;
}

function merge(a: Region, b: Region): Region {
  const size = a.size + b.size;
  const hist = new Float64Array(a.hist.length);
  for (let i = 0; i < hist.length; i++) hist[i] = (a.size * a.hist[i] + b.size * b.hist[i]) / size;
  return { size, x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1), x2: Math.max(a.x2, b.x2), y2: Math.max(a.y2, b.y2), hist };
}
