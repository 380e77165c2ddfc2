import * as path from 'node:path';
import type { Command } from 'commander';
import { countAreaRanges, dataRootOf, DatasetError, loadDataset, writeSyntheticCoco, type Dataset } from '@ablate/data';

/** Exit status of a user's bad input (arguments, dataset). */
const EXIT_BAD_INPUT = 2;

class BadArgument extends Error {}

interface SynthOptions {
  out: string;
  images: string;
  size: string;
  seed: string;
  split: string;
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
  const out = path.resolve(opts.out);
  const written = await writeSyntheticCoco(out, { images, size, seed, split: opts.split }, (done) => {
    if (process.stderr.isTTY && (done % 50 === 0 || done === images)) process.stderr.write(`\r${done}/${images} images`);
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  const r = written.dataset.report;
  console.log(`wrote ${images} images (${size}×${size}, seed ${seed}, split ${opts.split}) to ${written.imagesDir}`);
  console.log(`annotations: ${written.annotationsFile}`);
  console.log(`boxes by area: ${areaSummary(written.dataset)}; empty images ${r.emptyImages}`);
  console.log(`read it back with: ${readBackUri(out, opts.split)}`);
}

async function runCheck(uri: string, opts: { strict?: boolean; dataRoot?: string }): Promise<void> {
  const dataset = await loadDataset(uri, { strict: opts.strict ?? false, ...(opts.dataRoot ? { dataRoot: opts.dataRoot } : {}) });
  const r = dataset.report;
  console.log(`${dataset.name}: ${dataset.images.length} images, ${dataset.categories.length} categories, ${r.totalBoxes} boxes`);
  console.log(`clipped ${r.clippedBoxes}, dropped ${r.droppedBoxes}, empty images ${r.emptyImages}`);
  console.log(`boxes by area: ${areaSummary(dataset)}`);
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
 * `ablate data synth --out DIR --images N --size S --seed K [--split train|val]` writes the
 * synthetic shapes set as COCO (`DIR/<split>.json` + `DIR/<split>/*.png`), the same images and
 * boxes as `synthetic:shapes?images=N&size=S&seed=K&split=…` serves in memory.
 * `ablate data check <uri>` loads and validates a dataset reference and prints its report.
 */
export function registerDataCommand(program: Command): void {
  const data = program.command('data').description('Datasets: write the synthetic set, check a dataset reference');
  data
    .command('synth')
    .description('Write the synthetic shapes dataset in COCO format (annotations JSON + PNG images)')
    .requiredOption('--out <dir>', 'output directory')
    .option('--images <n>', 'number of images', '512')
    .option('--size <px>', 'image side in pixels', '128')
    .option('--seed <k>', 'seed (same seed, same bytes)', '0')
    .option('--split <split>', 'train or val (disjoint image streams)', 'train')
    .action((opts: SynthOptions) => guarded(() => runSynth(opts)));
  data
    .command('check <uri>')
    .description('Load and validate a dataset reference (synthetic:…, coco:…, voc:…) and print its report')
    .option('--strict', 'reject boxes outside their image instead of clipping them')
    .option('--data-root <dir>', 'data root (default: $ABLATE_DATA_ROOT or ./data)')
    .action((uri: string, opts: { strict?: boolean; dataRoot?: string }) => guarded(() => runCheck(uri, opts)));
}
