import { DatasetError } from '../dataset/dataset-error';
import type { SyntheticOptions } from '../synthetic/synthetic-dataset';
import { SIZE_BANDS, type SizeBand } from '../synthetic/scene';

/** A parsed dataset reference. Paths are as written (relative to the data root), not yet resolved. */
export type DatasetRef =
  | { kind: 'synthetic'; options: Required<Omit<SyntheticOptions, 'sizes'>> & Pick<SyntheticOptions, 'sizes'> }
  | { kind: 'synthetic-people'; options: Required<Omit<SyntheticOptions, 'sizes'>> }
  | { kind: 'coco'; annotations: string; images?: string }
  | { kind: 'voc'; root: string; split: string; classes?: string[] };

/** Bounds on synthetic parameters: enough for any sweep, small enough not to exhaust memory by typo. */
const SYNTHETIC_LIMITS = { images: [1, 1_000_000], size: [32, 2048], seed: [0, 2 ** 31 - 1] } as const;

function fail(uri: string, message: string, entry?: string): never {
  throw new DatasetError('bad-uri', message, uri, entry);
}

function intParam(uri: string, params: URLSearchParams, key: keyof typeof SYNTHETIC_LIMITS, fallback: number): number {
  const raw = params.get(key);
  if (raw === null) return fallback;
  const [lo, hi] = SYNTHETIC_LIMITS[key];
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(Number.isInteger(n) && n >= lo && n <= hi)) fail(uri, `${key} must be an integer in [${lo}, ${hi}], got '${raw}'`, key);
  return n;
}

function checkKeys(uri: string, params: URLSearchParams, allowed: string[]): void {
  for (const key of params.keys()) {
    if (!allowed.includes(key)) fail(uri, `unknown parameter '${key}' (allowed: ${allowed.join(', ')})`, key);
  }
}

/** `sizes=medium,large`: a non-empty set of COCO's size bands. */
function sizeBandsParam(uri: string, params: URLSearchParams): SizeBand[] | undefined {
  const raw = params.get('sizes');
  if (raw === null) return undefined;
  const bands = raw.split(',').map((b) => b.trim());
  const unknown = bands.find((b) => !(SIZE_BANDS as readonly string[]).includes(b));
  if (unknown !== undefined || bands.length === 0) fail(uri, `sizes must be a list of ${SIZE_BANDS.join(', ')}, got '${raw}'`, 'sizes');
  return [...new Set(bands as SizeBand[])];
}

/** `synthetic:people?images=512&size=128&seed=0&split=train`: stick figures with COCO's 17 keypoints. */
function parseSyntheticPeople(uri: string, params: URLSearchParams): DatasetRef {
  checkKeys(uri, params, ['images', 'size', 'seed', 'split']);
  const split = params.get('split') ?? 'train';
  if (split !== 'train' && split !== 'val' && split !== 'test') fail(uri, `split must be 'train', 'val' or 'test', got '${split}'`, 'split');
  const options = { images: intParam(uri, params, 'images', 512), size: intParam(uri, params, 'size', 128), seed: intParam(uri, params, 'seed', 0), split } as const;
  return { kind: 'synthetic-people', options };
}

/**
 * Parses `synthetic:shapes?images=512&size=128&seed=1&split=train`, `synthetic:people?…` (images, size, seed, split),
 * `coco:<annotations.json>?images=<dir>` or `voc:<root>?split=trainval[&classes=a,b,…]`.
 * Unknown schemes, parameters and out-of-range values are `bad-uri` errors.
 */
export function parseDatasetUri(uri: string): DatasetRef {
  const colon = uri.indexOf(':');
  if (colon <= 0) fail(uri, "a dataset reference looks like 'synthetic:shapes?…', 'coco:<file.json>?images=<dir>' or 'voc:<root>'");
  const scheme = uri.slice(0, colon);
  const rest = uri.slice(colon + 1);
  const q = rest.indexOf('?');
  const target = decodeURIComponent(q < 0 ? rest : rest.slice(0, q));
  const params = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1));
  switch (scheme) {
    case 'synthetic': {
      if (target === 'people') return parseSyntheticPeople(uri, params);
      if (target !== 'shapes') fail(uri, `unknown synthetic dataset '${target}' (known: shapes, people)`);
      checkKeys(uri, params, ['images', 'size', 'seed', 'split', 'sizes']);
      const split = params.get('split') ?? 'train';
      if (split !== 'train' && split !== 'val' && split !== 'test') fail(uri, `split must be 'train', 'val' or 'test', got '${split}'`, 'split');
      const options = {
        images: intParam(uri, params, 'images', 512),
        size: intParam(uri, params, 'size', 128),
        seed: intParam(uri, params, 'seed', 0),
        split,
      } as const;
      const sizes = sizeBandsParam(uri, params);
      // Left out when not given, so the references (and fingerprints) of existing sets stay as they were.
      return { kind: 'synthetic', options: sizes === undefined ? options : { ...options, sizes } };
    }
    case 'coco': {
      checkKeys(uri, params, ['images']);
      if (target === '') fail(uri, 'no annotations file after coco:');
      const images = params.get('images');
      return images === null ? { kind: 'coco', annotations: target } : { kind: 'coco', annotations: target, images };
    }
    case 'voc': {
      checkKeys(uri, params, ['split', 'classes']);
      if (target === '') fail(uri, 'no root directory after voc:');
      const split = params.get('split') ?? 'trainval';
      if (!/^\w+$/.test(split)) fail(uri, `bad split '${split}'`, 'split');
      const classes = params.get('classes');
      const ref: DatasetRef = { kind: 'voc', root: target, split };
      if (classes !== null) ref.classes = classes.split(',').map((c) => c.trim()).filter((c) => c !== '');
      return ref;
    }
    default:
      return fail(uri, `unknown dataset scheme '${scheme}' (known: synthetic, coco, voc)`);
  }
}
