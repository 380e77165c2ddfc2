/**
 * How a bench reports: its headline figures (each a ratio or a result against a baseline measured
 * in the same run, with its goal), then one line of JSON with everything it measured. With
 * `--record` (`npm run bench:engine -- --record`) the same record is appended to
 * docs/benchmarks/<bench>.jsonl with the commit, the date, the machine and its load, and
 * `npm run bench:report` regenerates the "current results" table of docs/benchmarks.md and the
 * README from the newest record of each bench: a figure can only reach the docs through a run.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** One figure of the current-results table. */
export interface Headline {
  /** What was measured, e.g. "RetinaNet step / forward, back to back (wasm)". */
  figure: string;
  /** The result as printed, e.g. "3.1×" or "AP50 0.931". */
  value: string;
  /** What it is compared with, measured in the same run, e.g. "cpu backend: 41 s". */
  baseline: string;
  /** The goal, e.g. "≤ 3×", or null when the figure has none. */
  goal: string | null;
  /** Whether the goal was met; null when there is no goal or it could not be measured. */
  met: boolean | null;
}

export interface BenchRecord {
  bench: string;
  recordedAt: string;
  /** Short commit hash of the measured tree; `dirty` when it had uncommitted changes (outside the records). */
  commit: string;
  dirty: boolean;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string };
  /** One-minute load averages when the bench started and when it ended. */
  load: { start: number; end: number };
  headlines: Headline[];
  figures: unknown;
}

export const RECORDS_DIR = join(__dirname, '..', 'docs', 'benchmarks');

const loadAtStart = loadavg()[0]!;
/** Taken when the bench starts: the code it loaded, whatever is edited while it runs. */
const treeAtStart = treeState();

const round1 = (x: number) => Math.round(x * 10) / 10;

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function treeState(): { commit: string; dirty: boolean } {
  const commit = git(['rev-parse', '--short=7', 'HEAD']) || 'unknown';
  // Only code a bench runs counts: records of earlier benches, docs and tests edited meanwhile do not.
  const changes = git(['status', '--porcelain', '--', '.', ':!docs', ':!*.md', ':!*.spec.ts']);
  return { commit, dirty: changes.length > 0 };
}

function machine(): BenchRecord['machine'] {
  const cores = cpus();
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** Builds the record of a finished bench. */
export function benchRecord(bench: string, headlines: Headline[], figures: unknown): BenchRecord {
  return {
    bench,
    recordedAt: new Date().toISOString(),
    ...treeAtStart,
    machine: machine(),
    load: { start: round1(loadAtStart), end: round1(loadavg()[0]!) },
    headlines,
    figures,
  };
}

/**
 * Ends a bench: prints its headlines and the JSON line of its figures, and appends the record to
 * docs/benchmarks/<bench>.jsonl when the command line says `--record`.
 */
export function finishBench(bench: string, headlines: Headline[], figures: unknown): BenchRecord {
  const record = benchRecord(bench, headlines, figures);
  for (const h of headlines) {
    const goal = h.goal === null ? '' : `; goal ${h.goal}: ${h.met === null ? 'not measured' : h.met ? 'met' : 'NOT met'}`;
    console.log(`headline: ${h.figure}: ${h.value} (baseline: ${h.baseline}${goal})`);
  }
  console.log(JSON.stringify(figures));
  if (process.argv.includes('--record')) {
    mkdirSync(RECORDS_DIR, { recursive: true });
    appendFileSync(join(RECORDS_DIR, `${bench}.jsonl`), `${JSON.stringify(record)}\n`);
    console.log(`recorded in docs/benchmarks/${bench}.jsonl (commit ${record.commit}${record.dirty ? ', uncommitted changes' : ''}); npm run bench:report updates the docs`);
  }
  return record;
}

/** "3.14×" */
export const times = (x: number, digits = 2) => `${x.toFixed(digits)}×`;
