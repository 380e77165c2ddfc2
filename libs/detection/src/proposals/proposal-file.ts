import { readFileSync } from 'node:fs';
import { ModelConfigError } from '../models/model-error';
import type { ImageMeta } from '../structures';

/** One image's proposals from a file, original pixels, best score first. */
export interface FileProposals {
  /** XYXY, flat 4·N. */
  boxes: Float32Array;
  scores: Float32Array;
}

/**
 * Reads a proposals file: a JSON list of `{image_id, bbox: [x, y, w, h], score}` in the images'
 * original pixels — a COCO results file without `category_id` (one written by a detector, which
 * has it, is read too). Returns each image's proposals sorted by descending score.
 *
 * @throws ModelConfigError naming the file, and the entry (`proposals.json [3].bbox`) for a bad one.
 */
export function readProposalFile(path: string): Map<number, FileProposals> {
  return parseProposals(readText(path), path);
}

/** {@link readProposalFile} on text already read; `source` names it in errors. */
export function parseProposals(text: string, source: string): Map<number, FileProposals> {
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch (e) {
    // JSON.parse quotes the text around the error: never echo a file's contents to the user.
    const at = /position \d+/.exec((e as Error).message)?.[0];
    throw new ModelConfigError(source, `proposals file is not valid JSON${at ? ` (at ${at})` : ''}`);
  }
  if (!Array.isArray(entries)) throw new ModelConfigError(source, 'proposals file must be a JSON list of {image_id, bbox: [x, y, w, h], score}');
  const byImage = new Map<number, { box: number[]; score: number }[]>();
  entries.forEach((entry, i) => {
    const { imageId, box, score } = checkEntry(entry, `${source} [${i}]`);
    let list = byImage.get(imageId);
    if (list === undefined) byImage.set(imageId, (list = []));
    list.push({ box, score });
  });
  const out = new Map<number, FileProposals>();
  for (const [id, list] of byImage) {
    list.sort((a, b) => b.score - a.score);
    out.set(id, { boxes: Float32Array.from(list.flatMap((p) => p.box)), scores: Float32Array.from(list.map((p) => p.score)) });
  }
  return out;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ModelConfigError(path, `cannot read the proposals file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** The entry's image, XYXY box and score. @throws ModelConfigError naming `where` and the field. */
function checkEntry(entry: unknown, where: string): { imageId: number; box: number[]; score: number } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new ModelConfigError(where, 'must be an object {image_id, bbox, score}');
  const o = entry as Record<string, unknown>;
  if (!Number.isInteger(o.image_id)) throw new ModelConfigError(`${where}.image_id`, 'must be an integer image id');
  const b = o.bbox;
  if (!Array.isArray(b) || b.length !== 4 || b.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    throw new ModelConfigError(`${where}.bbox`, 'must be [x, y, width, height], four finite numbers');
  }
  const [x, y, w, h] = b as number[];
  if (!(w > 0 && h > 0)) throw new ModelConfigError(`${where}.bbox`, `width and height must be positive, got ${w} × ${h}`);
  if (typeof o.score !== 'number' || !Number.isFinite(o.score)) throw new ModelConfigError(`${where}.score`, 'must be a finite number');
  return { imageId: o.image_id as number, box: [x, y, x + w, y + h], score: o.score };
}

/**
 * One image's file proposals in input pixels (`input = original · scale + pad`, mirrored when the
 * image was flipped), clipped to the input, boxes left without area dropped, at most `max` (the
 * best-scored). An image the file does not list has none.
 */
export function proposalsInInput(all: ReadonlyMap<number, FileProposals>, meta: ImageMeta, inputSize: number, max: number): Float32Array {
  const found = all.get(meta.imageId);
  if (found === undefined) return new Float32Array(0);
  const out: number[] = [];
  const clip = (v: number) => Math.min(Math.max(v, 0), inputSize);
  for (let i = 0; i < found.scores.length && out.length / 4 < max; i++) {
    let x1 = found.boxes[4 * i] * meta.scale + meta.padX;
    let x2 = found.boxes[4 * i + 2] * meta.scale + meta.padX;
    if (meta.flipped) [x1, x2] = [inputSize - x2, inputSize - x1];
    const box = [clip(x1), clip(found.boxes[4 * i + 1] * meta.scale + meta.padY), clip(x2), clip(found.boxes[4 * i + 3] * meta.scale + meta.padY)];
    if (box[2] > box[0] && box[3] > box[1]) out.push(...box);
  }
  return Float32Array.from(out);
}
