import * as path from 'node:path';
import type { Command } from 'commander';
import { countAreaRanges, dataRootOf, DatasetError, datasetKeypointCount, loadDataset, writeSyntheticCoco, type Dataset } from '@ablate/data';

/** Exit status of a user's bad input (arguments, dataset). */
const EXIT_BAD_INPUT = 2;

class BadArgument extends Error {}

interface SynthOptions {
  out: string;
  images: string;
  size: string;
  seed: string;
  split: string;
  set: string;
}

function intOption(name: string, raw: string, lo: number, hi: number): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(Number.isSafeInteger(n) && n >= lo && n <= hi)) throw new BadArgument(`--${name} ${raw}: expected an integer in [${lo}, ${hi}]`);
  return n;
}

/** Share of boxes per COCO area range, e.g. `small 0.42, medium 0.45, large 0.13 (1058 boxes)`. */
function areaSummary(dataset: Dataset): string {
  const c = countAreaRanges(dataset);
  const total = c.small + c.medium + c.large;
  const share = (v: number): string => (total === 0 ? '0' : (v / total).toFixed(2));
  return `small ${share(c.small)}, medium ${share(c.medium)}, large ${share(c.large)} (${total} boxes; COCO ranges <32², 32²–96², >96²)`;
}

/** Keypoints of a keypoint dataset, e.g. `17 per box; labelled 5321 (visible 5102, occluded 219) of 7055`; undefined without keypoints. */
function keypointSummary(dataset: Dataset): string | undefined {
  const k = datasetKeypointCount(dataset);
  if (k === 0) return undefined;
  const flags = [0, 0, 0];
  for (const img of dataset.images) for (let i = 2; i < (img.keypoints?.length ?? 0); i += 3) flags[img.keypoints![i]!]!++;
  return `${k} per box; labelled ${flags[1]! + flags[2]!} (visible ${flags[2]}, occluded ${flags[1]}) of ${flags[0]! + flags[1]! + flags[2]!}`;
}

/** The `coco:` reference of a written set, relative to the data root when it lies inside it. */
function readBackUri(out: string, split: string): string {
  const rel = path.relative(dataRootOf(), out);
  const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  const dir = inside ? rel : `<${out} relative to ABLATE_DATA_ROOT>`;
  return `coco:${dir}/${split}.json?images=${dir}/${split}`;
}

async function runSynth(opts: SynthOptions): Promise<void> {
  const images = intOption('images', opts.images, 1, 1_000_000);
  const size = intOption('size', opts.size, 32, 2048);
  const seed = intOption('seed', opts.seed, 0, 2 ** 31 - 1);
  if (opts.split !== 'train' && opts.split !== 'val') throw new BadArgument(`--split ${opts.split}: expected train or val`);
  if (opts.set !== 'shapes' && opts.set !== 'people') throw new BadArgument(`--set ${opts.set}: expected shapes or people`);
  const out = path.resolve(opts.out);
  const written = await writeSyntheticCoco(out, { images, size, seed, split: opts.split, set: opts.set }, (done) => {
    if (process.stderr.isTTY && (done % 50 === 0 || done === images)) process.stderr.write(`\r${done}/${images} images`);
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  const r = written.dataset.report;
  console.log(`wrote ${images} images (${size}×${size}, seed ${seed}, split ${opts.split}) to ${written.imagesDir}`);
  console.log(`annotations: ${written.annotationsFile}`);
  console.log(`boxes by area: ${areaSummary(written.dataset)}; empty images ${r.emptyImages}`);
  const keypoints = keypointSummary(written.dataset);
  if (keypoints !== undefined) console.log(`keypoints: ${keypoints}`);
  console.log(`read it back with: ${readBackUri(out, opts.split)}`);
}

async function runCheck(uri: string, opts: { strict?: boolean; dataRoot?: string }): Promise<void> {
  const dataset = await loadDataset(uri, { strict: opts.strict ?? false, ...(opts.dataRoot ? { dataRoot: opts.dataRoot } : {}) });
  const r = dataset.report;
  console.log(`${dataset.name}: ${dataset.images.length} images, ${dataset.categories.length} categories, ${r.totalBoxes} boxes`);
  console.log(`clipped ${r.clippedBoxes}, dropped ${r.droppedBoxes}, empty images ${r.emptyImages}`);
  console.log(`boxes by area: ${areaSummary(dataset)}`);
  const keypoints = keypointSummary(dataset);
  if (keypoints !== undefined) console.log(`keypoints: ${keypoints}`);
}

/** Runs an action; a bad argument or a bad dataset is printed alone on stderr with exit status 2. */
async function guarded(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof BadArgument || err instanceof DatasetError) {
      console.error(err.message);
      process.exit(EXIT_BAD_INPUT);
    }
    throw err;
  }
}

/**
 * `ablate data synth --out DIR --images N --size S --seed K [--split train|val] [--set shapes|people]`
 * writes a synthetic set as COCO (`DIR/<split>.json` + `DIR/<split>/*.png`), the same images, boxes
 * (and keypoints) as `synthetic:<set>?images=N&size=S&seed=K&split=…` serves in memory.
 * `ablate data check <uri>` loads and validates a dataset reference and prints its report.
 */
export function registerDataCommand(program: Command): void {
  const data = program.command('data').description('Datasets: write the synthetic set, check a dataset reference');
  data
    .command('synth')
    .description('Write a synthetic dataset (shapes, or people with COCO keypoints) in COCO format (annotations JSON + PNG images)')
    .requiredOption('--out <dir>', 'output directory')
    .option('--images <n>', 'number of images', '512')
    .option('--size <px>', 'image side in pixels', '128')
    .option('--seed <k>', 'seed (same seed, same bytes)', '0')
    .option('--split <split>', 'train or val (disjoint image streams)', 'train')
    .option('--set <set>', 'shapes, or people (stick figures with the 17 COCO keypoints)', 'shapes')
    .action((opts: SynthOptions) => guarded(() => runSynth(opts)));
  data
    .command('check <uri>')
    .description('Load and validate a dataset reference (synthetic:…, coco:…, voc:…) and print its report (boxes by COCO area range, keypoints)')
    .option('--strict', 'reject boxes outside their image instead of clipping them')
    .option('--data-root <dir>', 'data root (default: $ABLATE_DATA_ROOT or ./data)')
    .action((uri: string, opts: { strict?: boolean; dataRoot?: string }) => guarded(() => runCheck(uri, opts)));
}
