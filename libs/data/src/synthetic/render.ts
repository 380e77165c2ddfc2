import type { RgbImage } from '../dataset/dataset';
import { Rng } from './prng';
import { ownerMap } from './scene';
import { figureOwnerMap } from './people-scene';
import type { SyntheticImageSpec } from './synthetic-spec';

/** Per-pixel noise amplitude (±, 8-bit levels) over background and shapes alike. */
const NOISE = 10;
/** Background texture: stripes of this amplitude (±) and a gradient of this span. */
const STRIPE_AMPLITUDE = 14;
const GRADIENT_SPAN = 50;
/** A shape's colour differs from the background's mean by at least this (sum over channels). */
const MIN_CONTRAST = 120;

type Rgb = [number, number, number];

/** A saturated colour: hue uniform, value 0.5…1, saturation 0.6…1 (HSV → RGB). */
function randomColour(rng: Rng): Rgb {
  const h = rng.uniform(0, 6);
  const s = rng.uniform(0.6, 1);
  const v = rng.uniform(0.5, 1) * 255;
  const f = h - Math.floor(h);
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  const table: Rgb[] = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]];
  return table[Math.floor(h) % 6] as Rgb;
}

function contrast(a: Rgb, b: Rgb): number {
  return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
}

/**
 * Renders a laid-out scene (its per-pixel owner map, −1 background) into RGB pixels: a greyish
 * background with a gradient, stripes and noise; each instance (shape, stick figure) a flat colour far enough from the background; noise over everything.
 * Deterministic in (scene, rng state): the same seed gives the same bytes.
 */
export function renderScene(scene: { width: number; height: number; instances: number; owner: Int16Array }, rng: Rng): RgbImage {
  const { width, height, owner } = scene;
  const base: Rgb = [rng.uniform(60, 190), rng.uniform(60, 190), rng.uniform(60, 190)];
  const angle = rng.uniform(0, 2 * Math.PI);
  const gx = (Math.cos(angle) * GRADIENT_SPAN) / width;
  const gy = (Math.sin(angle) * GRADIENT_SPAN) / height;
  const period = rng.uniform(6, 24);
  const stripeAngle = rng.uniform(0, Math.PI);
  const sx = (Math.cos(stripeAngle) * 2 * Math.PI) / period;
  const sy = (Math.sin(stripeAngle) * 2 * Math.PI) / period;
  const colours = Array.from({ length: scene.instances }, () => {
    let c = randomColour(rng);
    for (let t = 0; t < 8 && contrast(c, base) < MIN_CONTRAST; t++) c = randomColour(rng);
    return c;
  });
  // sin(x·sx + y·sy) = sin(x·sx)·cos(y·sy) + cos(x·sx)·sin(y·sy): two tables instead of a sine a pixel.
  const sinX = Float64Array.from({ length: width }, (_, x) => Math.sin(x * sx));
  const cosX = Float64Array.from({ length: width }, (_, x) => Math.cos(x * sx));
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sinY = Math.sin(y * sy);
    const cosY = Math.cos(y * sy);
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const o = owner[p] as number;
      const texture = o >= 0 ? 0 : (x - width / 2) * gx + (y - height / 2) * gy + STRIPE_AMPLITUDE * (sinX[x]! * cosY + cosX[x]! * sinY);
      const colour = o >= 0 ? (colours[o] as Rgb) : base;
      // One 32-bit draw a pixel gives the three channels' noise (bytes 0, 1, 2 → ±NOISE).
      const bits = rng.nextUint32();
      for (let c = 0; c < 3; c++) {
        const noise = (((bits >>> (8 * c)) & 255) / 255) * 2 * NOISE - NOISE;
        const value = colour[c]! + texture + noise;
        // Uint8Array assignment truncates and wraps: clamp first.
        data[p * 3 + c] = value < 0 ? 0 : value > 255 ? 255 : value;
      }
    }
  }
  return { width, height, data };
}

/** Renders a synthetic image from its spec (same bytes wherever it runs): its stick figures, else its shapes. */
export function renderSynthetic(spec: SyntheticImageSpec): RgbImage {
  const { size } = spec;
  const scene =
    spec.figures !== undefined
      ? { width: size, height: size, instances: spec.figures.length, owner: figureOwnerMap(size, spec.figures) }
      : { width: size, height: size, instances: spec.shapes.length, owner: ownerMap(size, spec.shapes) };
  return renderScene(scene, new Rng(spec.renderSeed));
}
