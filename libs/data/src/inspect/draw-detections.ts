import * as path from 'node:path';
import type { CocoDetection } from '@ablate/detection';
import type { Dataset, DatasetCategory, RgbImage } from '../dataset/dataset';
import { imageFileName } from '../convert/to-coco';
import { loadImagePixels } from '../image/decode';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphRows } from './bitmap-font';

type Rgb = readonly [number, number, number];

/** Distinct, saturated colours, one per category in turn (Tableau 10). */
const PALETTE: readonly Rgb[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

export interface DrawDetectionsOptions {
  /** The dataset's categories: a box's colour is its category's position, its label the name. */
  categories: readonly DatasetCategory[];
  /** Detections scoring below are not drawn. */
  scoreThreshold: number;
}

/** Line width: one pixel on the small images of tests and synthetic sets, more on photographs. */
function thickness(image: RgbImage): number {
  return Math.max(1, Math.round(Math.min(image.width, image.height) / 200));
}

function fillRect(image: RgbImage, x0: number, y0: number, x1: number, y1: number, colour: Rgb): void {
  const xa = Math.max(0, Math.floor(x0)), xb = Math.min(image.width, Math.ceil(x1));
  const ya = Math.max(0, Math.floor(y0)), yb = Math.min(image.height, Math.ceil(y1));
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++) image.data.set(colour, (y * image.width + x) * 3);
  }
}

function strokeRect(image: RgbImage, [x, y, w, h]: readonly number[], colour: Rgb, t: number): void {
  const x0 = Math.round(x), y0 = Math.round(y), x1 = Math.round(x + w), y1 = Math.round(y + h);
  fillRect(image, x0, y0, x1, y0 + t, colour);
  fillRect(image, x0, y1 - t, x1, y1, colour);
  fillRect(image, x0, y0, x0 + t, y1, colour);
  fillRect(image, x1 - t, y0, x1, y1, colour);
}

function drawText(image: RgbImage, text: string, x0: number, y0: number, colour: Rgb): void {
  [...text].forEach((ch, i) => {
    glyphRows(ch).forEach((row, y) => {
      for (let x = 0; x < GLYPH_WIDTH; x++) {
        if (row & (1 << (GLYPH_WIDTH - 1 - x))) fillRect(image, x0 + i * GLYPH_WIDTH + x, y0 + y, x0 + i * GLYPH_WIDTH + x + 1, y0 + y + 1, colour);
      }
    });
  });
}

/** White on dark colours, black on light ones (ITU-R BT.601 luma). */
function textColour([r, g, b]: Rgb): Rgb {
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? [0, 0, 0] : [255, 255, 255];
}

/** "name 0.87" on a bar of the box's colour above its top-left corner (inside the box at the image's top edge). */
function drawLabel(image: RgbImage, text: string, [x, y]: readonly number[], colour: Rgb): void {
  const left = Math.round(x);
  const top = y >= GLYPH_HEIGHT ? Math.round(y) - GLYPH_HEIGHT : Math.round(y);
  fillRect(image, left, top, left + text.length * GLYPH_WIDTH + 1, top + GLYPH_HEIGHT, colour);
  drawText(image, text, left + 1, top, textColour(colour));
}

/** A line of width t from (x0, y0) to (x1, y1): a t×t square at every pixel step along it. */
function strokeLine(image: RgbImage, x0: number, y0: number, x1: number, y1: number, colour: Rgb, t: number): void {
  const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
  const h = t / 2;
  for (let i = 0; i <= steps; i++) {
    const x = x0 + ((x1 - x0) * i) / steps;
    const y = y0 + ((y1 - y0) * i) / steps;
    fillRect(image, x - h, y - h, x + h, y + h, colour);
  }
}

/**
 * A detection's pose (a keypoint detector's `keypoints`, [x, y, v]·K): the category's skeleton
 * edges (COCO's 1-based pairs) as lines, then each keypoint as a dot in the label's text colour.
 */
function drawPose(image: RgbImage, keypoints: readonly number[], skeleton: readonly (readonly [number, number])[], colour: Rgb, t: number): void {
  const k = keypoints.length / 3;
  for (const [a, b] of skeleton) {
    if (a < 1 || b < 1 || a > k || b > k) continue;
    strokeLine(image, keypoints[3 * (a - 1)]!, keypoints[3 * (a - 1) + 1]!, keypoints[3 * (b - 1)]!, keypoints[3 * (b - 1) + 1]!, colour, t);
  }
  const dot = textColour(colour);
  for (let j = 0; j < k; j++) fillRect(image, keypoints[3 * j]! - t, keypoints[3 * j + 1]! - t, keypoints[3 * j]! + t, keypoints[3 * j + 1]! + t, dot);
}

/**
 * A copy of `image` with each detection scoring at least the threshold drawn: its box outlined in
 * its category's colour and labelled with the class name and score, and a keypoint detector's pose
 * (its category's skeleton and the keypoints). Higher scores are drawn last, so they stay on top
 * where boxes overlap.
 */
export function drawDetections(image: RgbImage, detections: readonly CocoDetection[], options: DrawDetectionsOptions): RgbImage {
  const out: RgbImage = { width: image.width, height: image.height, data: Uint8Array.from(image.data) };
  const indexOf = new Map(options.categories.map((c, i) => [c.id, i]));
  const t = thickness(image);
  const shown = detections.filter((d) => d.score >= options.scoreThreshold).sort((a, b) => a.score - b.score);
  for (const d of shown) {
    const k = indexOf.get(d.category_id) ?? -1;
    const colour = PALETTE[((k % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
    strokeRect(out, d.bbox, colour, t);
    if (d.keypoints !== undefined) drawPose(out, d.keypoints, (k >= 0 ? options.categories[k]!.skeleton : undefined) ?? [], colour, t);
    const name = k >= 0 ? options.categories[k]!.name : `class ${d.category_id}`;
    drawLabel(out, `${name} ${d.score.toFixed(2)}`, d.bbox, colour);
  }
  return out;
}

/** One drawn image and the file name it goes to. */
export interface DrawnImage {
  imageId: number;
  fileName: string;
  image: RgbImage;
}

/**
 * Every image of `dataset` with its detections drawn, one at a time (a dataset's pixels never sit
 * in memory together). File names are the images' own, as PNG; a name two images share gets the
 * image id in front.
 */
export async function* drawDatasetDetections(dataset: Dataset, detections: readonly CocoDetection[], options: Omit<DrawDetectionsOptions, 'categories'>): AsyncGenerator<DrawnImage> {
  const byImage = new Map<number, CocoDetection[]>();
  for (const d of detections) (byImage.get(d.image_id) ?? byImage.set(d.image_id, []).get(d.image_id)!).push(d);
  const used = new Set<string>();
  for (const img of dataset.images) {
    const stem = path.parse(imageFileName(img)).name;
    const fileName = used.has(`${stem}.png`) ? `${img.id}-${stem}.png` : `${stem}.png`;
    used.add(fileName);
    const pixels = await loadImagePixels(img);
    yield { imageId: img.id, fileName, image: drawDetections(pixels, byImage.get(img.id) ?? [], { ...options, categories: dataset.categories }) };
  }
}
