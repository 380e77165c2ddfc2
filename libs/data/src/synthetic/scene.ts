import { COCO_MEDIUM_MAX_AREA, COCO_SMALL_MAX_AREA } from './area-ranges';
import { Rng } from './prng';
import { SHAPE_CLASSES, rasteriseShape, type Shape } from './shapes';

/** Every EMPTY_EVERY-th image (index ≡ EMPTY_EVERY − 1) has no object: exactly 10 % empty images. */
export const EMPTY_EVERY = 10;
/** Share of non-empty images that start with one large object (when the image size allows one). */
const LARGE_IMAGE_SHARE = 0.3;
/** Objects besides the large one: 1…4 (0…2 on top of a large one). */
const MAX_OBJECTS = 4;
const MAX_OBJECTS_ON_LARGE = 2;
/** An object must keep at least half its pixels visible after later objects are drawn over it. */
export const MIN_VISIBLE_FRACTION = 0.5;
/** Placements tried for an object before giving it up. */
const PLACEMENT_TRIES = 20;
/** Smallest object side, pixels: below this a shape is not recognisable. */
const MIN_SIDE = 8;
/** Fewest pixels a shape may have (a small ring is mostly hole). */
const MIN_PIXELS = 16;

/** A laid-out image: its shapes (draw order), the owner of each pixel, the visible boxes. */
export interface Scene {
  width: number;
  height: number;
  shapes: Shape[];
  /** Per pixel, the index in `shapes` of the top-most shape there, or −1 for background. */
  owner: Int16Array;
  /** Tight XYXY boxes of each shape's visible pixels (flat 4·N, same order as `shapes`). */
  boxes: Float32Array;
  /** Class index (position in SHAPE_CLASSES) per shape. */
  labels: Int32Array;
}

/** COCO's area ranges, as bands of object sides (see sideRange). */
export const SIZE_BANDS = ['small', 'medium', 'large'] as const;
export type SizeBand = (typeof SIZE_BANDS)[number];

/**
 * Side ranges (pixels) chosen so the boxes land in COCO's area ranges, with margins for the
 * tight-box shrink of stars and triangles: small sides 8–28 (< 32), medium 36–88 (32…96),
 * large 106+ (> 96), each capped to the image.
 */
function sideRange(band: SizeBand, size: number): [number, number] | undefined {
  const cap = Math.floor(0.95 * size);
  const [lo, hi] = band === 'small' ? [MIN_SIDE, Math.sqrt(COCO_SMALL_MAX_AREA) - 4] : band === 'medium' ? [36, 88] : [Math.sqrt(COCO_MEDIUM_MAX_AREA) * 1.1, cap];
  const top = Math.min(hi, cap);
  return top > lo ? [lo, top] : undefined;
}

/**
 * Lays out image `index` of a synthetic set: object sizes, classes, positions, occlusion.
 * `bands` restricts the object sizes (all three by default; the draws for the default are those
 * the set always had, so existing sets stay the same image for image).
 */
export function layoutScene(size: number, index: number, rng: Rng, bands: readonly SizeBand[] = SIZE_BANDS): Scene {
  const owner = new Int16Array(size * size).fill(-1);
  const placed: { shape: Shape; full: number; visible: number }[] = [];
  if (index % EMPTY_EVERY !== EMPTY_EVERY - 1) {
    for (const band of drawBands(size, rng, bands)) placeShape(band, size, rng, owner, placed);
  }
  return finishScene(size, placed.map((p) => p.shape), owner);
}

/** The size band of each object of one image: at most one large object, then small or medium ones. */
function drawBands(size: number, rng: Rng, allowed: readonly SizeBand[]): SizeBand[] {
  const small = allowed.includes('small');
  const medium = allowed.includes('medium') && sideRange('medium', size) !== undefined;
  const largeFits = allowed.includes('large') && sideRange('large', size) !== undefined;
  if (!small && !medium) return largeFits ? ['large'] : [];
  const large = largeFits && rng.next() < LARGE_IMAGE_SHARE;
  const chosen: SizeBand[] = large ? ['large'] : [];
  const extra = large ? rng.int(0, MAX_OBJECTS_ON_LARGE) : rng.int(1, MAX_OBJECTS);
  for (let k = 0; k < extra; k++) chosen.push(small && medium ? (rng.next() < 0.5 ? 'small' : 'medium') : pickSmallOrMedium(small, allowed, rng));
  return chosen;
}

/** One band when only one of small/medium can be drawn (the coin is still tossed when both were asked for, so a set too small for medium objects keeps its stream). */
function pickSmallOrMedium(small: boolean, allowed: readonly SizeBand[], rng: Rng): SizeBand {
  if (small && allowed.includes('medium')) rng.next();
  return small ? 'small' : 'medium';
}

function randomShape(band: SizeBand, size: number, rng: Rng): Shape {
  const [lo, hi] = sideRange(band, size) as [number, number];
  const side = rng.uniform(lo, hi);
  // Aspect 0.75…1.33, keeping w·h = side² (so the area band holds) unless the image caps a side.
  const aspect = Math.exp(rng.uniform(-0.29, 0.29));
  const cap = 0.95 * size;
  const w = Math.min(cap, side * Math.sqrt(aspect));
  const h = Math.min(cap, side / Math.sqrt(aspect));
  const kind = rng.pick(SHAPE_CLASSES);
  return { kind, rx: w / 2, ry: h / 2, cx: rng.uniform(w / 2, size - w / 2), cy: rng.uniform(h / 2, size - h / 2) };
}

/** Tries positions until one leaves every earlier shape at least MIN_VISIBLE_FRACTION visible. */
function placeShape(band: SizeBand, size: number, rng: Rng, owner: Int16Array, placed: { shape: Shape; full: number; visible: number }[]): void {
  for (let t = 0; t < PLACEMENT_TRIES; t++) {
    const shape = randomShape(band, size, rng);
    const covered = new Int32Array(placed.length);
    let full = 0;
    rasteriseShape(shape, size, size, (x, y) => {
      full++;
      const o = owner[y * size + x] as number;
      if (o >= 0) covered[o]!++;
    });
    const ok = full >= MIN_PIXELS && placed.every((p, j) => p.visible - (covered[j] as number) >= MIN_VISIBLE_FRACTION * p.full);
    if (!ok) continue;
    const id = placed.length;
    rasteriseShape(shape, size, size, (x, y) => {
      owner[y * size + x] = id;
    });
    placed.forEach((p, j) => (p.visible -= covered[j] as number));
    placed.push({ shape, full, visible: full });
    return;
  }
}

/** Tight boxes of each shape's visible pixels, from the owner map. */
function finishScene(size: number, shapes: Shape[], owner: Int16Array): Scene {
  const labels = Int32Array.from(shapes, (s) => SHAPE_CLASSES.indexOf(s.kind));
  return { width: size, height: size, shapes, owner, boxes: ownerBoxes(size, shapes.length, owner), labels };
}

/** Tight XYXY boxes (flat 4·count) of each instance's pixels in a `size`² owner map (−1 background). */
export function ownerBoxes(size: number, count: number, owner: Int16Array): Float32Array {
  const boxes = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) boxes.set([Infinity, Infinity, -Infinity, -Infinity], i * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = owner[y * size + x] as number;
      if (o < 0) continue;
      const b = o * 4;
      if (x < boxes[b]!) boxes[b] = x;
      if (y < boxes[b + 1]!) boxes[b + 1] = y;
      if (x + 1 > boxes[b + 2]!) boxes[b + 2] = x + 1;
      if (y + 1 > boxes[b + 3]!) boxes[b + 3] = y + 1;
    }
  }
  return boxes;
}

/** Recomputes the owner map of a laid-out scene (for rendering without keeping every map). */
export function ownerMap(size: number, shapes: Shape[]): Int16Array {
  const owner = new Int16Array(size * size).fill(-1);
  shapes.forEach((shape, id) =>
    rasteriseShape(shape, size, size, (x, y) => {
      owner[y * size + x] = id;
    }),
  );
  return owner;
}
