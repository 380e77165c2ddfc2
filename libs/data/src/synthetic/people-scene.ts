import { KEYPOINT_OCCLUDED, KEYPOINT_VISIBLE } from '../dataset/dataset';
import { COCO_MEDIUM_MAX_AREA } from './area-ranges';
import type { Rng } from './prng';
import { EMPTY_EVERY, MIN_VISIBLE_FRACTION, ownerBoxes, type SizeBand } from './scene';
import { COCO_KEYPOINT_NAMES, FREE_POSE, SPREAD_POSE, figureExtent, poseStickFigure, rasteriseFigure, translateFigure, type StickFigure } from './stick-figure';

const K = COCO_KEYPOINT_NAMES.length;
/** Share of non-empty images that start with one large figure (when the image size allows one). */
const LARGE_IMAGE_SHARE = 0.3;
/** Figures besides the large one: 1…4 (0…2 on top of a large one). */
const MAX_FIGURES = 4;
const MAX_FIGURES_ON_LARGE = 2;
const PLACEMENT_TRIES = 20;
/** Fewest pixels a figure may have inside the image. */
const MIN_PIXELS = 16;
/** Share of a figure's extent that may hang out of the image on each side (its points there are unlabelled). */
const OVERHANG = 0.15;

/** A laid-out image of people: figures in draw order, the owner of each pixel, boxes and keypoints. */
export interface PeopleScene {
  figures: StickFigure[];
  /** Per pixel, the index in `figures` of the top-most figure there, or −1 for background. */
  owner: Int16Array;
  /** Tight XYXY boxes of each figure's visible pixels (flat 4·N). */
  boxes: Float32Array;
  /**
   * COCO (x, y, v)·17 per figure (flat N·17·3): v 2 where the keypoint's pixel shows the figure,
   * 1 where a figure drawn later covers it, 0 (and x = y = 0) where it lies outside the image.
   */
  keypoints: Float32Array;
}

/**
 * Figure heights (pixels) by COCO area band. A frontal figure's box is 0.3–0.8 H wide, so
 * H 16–34 keeps w·h under 32² (small), H 48–100 lands in 32²…96² (medium), and a figure of
 * H ≥ 0.85 S with its arms spread (≈ 0.8 H wide) passes 96² from S ≈ 128 (large).
 */
function heightRange(band: SizeBand, size: number): [number, number] | undefined {
  const cap = 0.9 * size;
  const [lo, hi] = band === 'small' ? [16, 34] : band === 'medium' ? [48, 100] : [Math.max(0.85 * size, Math.sqrt(COCO_MEDIUM_MAX_AREA / 0.8)), 0.98 * size];
  const top = band === 'large' ? hi : Math.min(hi, cap);
  return top > lo ? [lo, top] : undefined;
}

/** Lays out image `index` of synthetic:people: figure sizes, poses, positions, occlusion, keypoints. */
export function layoutPeople(size: number, index: number, rng: Rng): PeopleScene {
  const owner = new Int16Array(size * size).fill(-1);
  const placed: { figure: StickFigure; full: number; visible: number }[] = [];
  if (index % EMPTY_EVERY !== EMPTY_EVERY - 1) {
    const bands: SizeBand[] = [];
    const large = heightRange('large', size) !== undefined && rng.next() < LARGE_IMAGE_SHARE;
    if (large) bands.push('large');
    const extra = large ? rng.int(0, MAX_FIGURES_ON_LARGE) : rng.int(1, MAX_FIGURES);
    for (let k = 0; k < extra; k++) bands.push(rng.next() < 0.5 || heightRange('medium', size) === undefined ? 'small' : 'medium');
    for (const band of bands) placeFigure(band, size, rng, owner, placed);
  }
  const figures = placed.map((p) => p.figure);
  return { figures, owner, boxes: ownerBoxes(size, figures.length, owner), keypoints: keypointVisibility(size, figures, owner) };
}

/** A posed figure at a random place where at most OVERHANG of its extent leaves the image. */
function randomFigure(band: SizeBand, size: number, rng: Rng): StickFigure {
  const [lo, hi] = heightRange(band, size) as [number, number];
  const figure = poseStickFigure(rng.uniform(lo, hi), band === 'large' ? SPREAD_POSE : FREE_POSE, rng);
  const [x1, y1, x2, y2] = figureExtent(figure);
  const offset = (a: number, b: number): number => {
    const slack = OVERHANG * (b - a);
    const [from, to] = [-a - slack, size - b + slack];
    return from < to ? rng.uniform(from, to) : (size - a - b) / 2;
  };
  return translateFigure(figure, offset(x1, x2), offset(y1, y2));
}

/** The figure's pixels inside the image, as indices y·size + x. */
function figurePixels(figure: StickFigure, size: number): number[] {
  const mask = new Uint8Array(size * size);
  rasteriseFigure(figure, size, size, mask);
  const pixels: number[] = [];
  for (let p = 0; p < mask.length; p++) if (mask[p]) pixels.push(p);
  return pixels;
}

/** Tries placements until one leaves every earlier figure at least MIN_VISIBLE_FRACTION visible. */
function placeFigure(band: SizeBand, size: number, rng: Rng, owner: Int16Array, placed: { figure: StickFigure; full: number; visible: number }[]): void {
  for (let t = 0; t < PLACEMENT_TRIES; t++) {
    const figure = randomFigure(band, size, rng);
    const pixels = figurePixels(figure, size);
    const covered = new Int32Array(placed.length);
    for (const p of pixels) if (owner[p]! >= 0) covered[owner[p]!]!++;
    const ok = pixels.length >= MIN_PIXELS && placed.every((q, j) => q.visible - covered[j]! >= MIN_VISIBLE_FRACTION * q.full);
    if (!ok) continue;
    const id = placed.length;
    for (const p of pixels) owner[p] = id;
    placed.forEach((q, j) => (q.visible -= covered[j]!));
    placed.push({ figure, full: pixels.length, visible: pixels.length });
    return;
  }
}

/**
 * Each keypoint's COCO flag from the pixel it lies in: the figure's own (its keypoint disc always
 * covers that pixel) → visible; a later figure's → occluded; outside the image → unlabelled. Self-
 * occlusion is not modelled: a flat-coloured frontal figure shows no depth order of its own limbs.
 */
function keypointVisibility(size: number, figures: StickFigure[], owner: Int16Array): Float32Array {
  const out = new Float32Array(figures.length * K * 3);
  figures.forEach((figure, i) => {
    for (let j = 0; j < K; j++) {
      // Rounded as the Float32Array will hold them, so the flag is that of the pixel the stored point is in.
      const [x, y] = [Math.fround(figure.keypoints[2 * j]!), Math.fround(figure.keypoints[2 * j + 1]!)];
      if (!(x >= 0 && y >= 0 && x < size && y < size)) continue;
      const o = 3 * (i * K + j);
      out[o] = x;
      out[o + 1] = y;
      out[o + 2] = owner[Math.floor(y) * size + Math.floor(x)] === i ? KEYPOINT_VISIBLE : KEYPOINT_OCCLUDED;
    }
  });
  return out;
}

/** The owner map of laid-out figures (for rendering without keeping every map). */
export function figureOwnerMap(size: number, figures: StickFigure[]): Int16Array {
  const owner = new Int16Array(size * size).fill(-1);
  figures.forEach((figure, id) => {
    for (const p of figurePixels(figure, size)) owner[p] = id;
  });
  return owner;
}
