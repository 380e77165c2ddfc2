/**
 * `npm run bench:eval`: COCO bbox evaluation at the size of COCO val2017 (5,000 images,
 * 80 categories, ~7 GT boxes and ~50 detections per image, a few crowds), generated from a
 * fixed seed into a temp directory.
 *
 * Times, in this run: the whole command `node bin/ablate.js eval --gt --dt --json` as a
 * subprocess (single-threaded: load, check, evaluate, print), the CLI's start-up alone
 * (`ablate --help`), `JSON.parse` of the two files (a same-run baseline for any loader), and
 * the in-process reading and `evaluateCoco`. CPU time is reported beside wall time (GNU time
 * for the subprocess): on a shared 2-core machine wall time is mostly waiting for a core. The ratio that matters is against the official Python COCO API
 * (pycocotools with its C extension), run in this same command on the same files whenever python3
 * can import it; where it cannot, the ratio is reported as "not measured" — never a constant.
 * Ends with one line of JSON.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  COCO_STAT_KEYS,
  evaluateCoco,
  parseJson,
  readCocoResults,
  validateCocoGroundTruth,
  type CocoAnnotation,
  type CocoDataset,
  type CocoDetection,
  type CocoStats,
} from '@ablate/detection';
import { mulberry32 } from './prng';
import { finishBench } from './record';

const ROOT = join(__dirname, '..');
const GOAL_S = 1;


/**
 * A COCO-val-sized case. GT sides follow COCO's skew to small objects (log-uniform 4–400 px),
 * `area` is a mask-like 40–100 % of the box, ~1 % crowds; detections are jittered copies of GT
 * (sometimes of the wrong class) plus background boxes, with float32 scores and boxes as
 * detectors write them.
 */
function makeCase(seed: number): { gt: CocoDataset; dt: CocoDetection[] } {
  const rand = mulberry32(seed);
  const images = Array.from({ length: 5000 }, (_, i) => ({ id: 100000 + 7 * i, width: 640, height: 480 }));
  const categories = Array.from({ length: 80 }, (_, i) => ({ id: i + 1 + (i >= 11 ? 1 : 0), name: `class${i}` }));
  const annotations: CocoAnnotation[] = [];
  const dt: CocoDetection[] = [];
  const f = Math.fround;
  const side = () => Math.exp(Math.log(4) + rand() * Math.log(100));
  for (const image of images) {
    const numGt = Math.floor(rand() * 14);
    for (let g = 0; g < numGt; g++) {
      const w = Math.min(side(), 640), h = Math.min(side(), 480);
      const bbox: [number, number, number, number] = [rand() * (640 - w), rand() * (480 - h), w, h].map(
        (v) => Math.round(v * 100) / 100,
      ) as [number, number, number, number];
      const category_id = categories[Math.floor(rand() * 80)].id;
      const iscrowd = rand() < 0.01 ? 1 : 0;
      annotations.push({ id: annotations.length + 1, image_id: image.id, category_id, bbox, area: bbox[2] * bbox[3] * (0.4 + 0.6 * rand()), iscrowd });
      const copies = Math.floor(rand() * 5);
      for (let c = 0; c < copies; c++) {
        const jw = bbox[2] * Math.exp((rand() - 0.5) * 0.4), jh = bbox[3] * Math.exp((rand() - 0.5) * 0.4);
        const box: [number, number, number, number] = [f(bbox[0] + (rand() - 0.5) * 0.3 * bbox[2]), f(bbox[1] + (rand() - 0.5) * 0.3 * bbox[3]), f(jw), f(jh)];
        const cat = rand() < 0.9 ? category_id : categories[Math.floor(rand() * 80)].id;
        dt.push({ image_id: image.id, category_id: cat, bbox: box, score: f(0.3 + 0.7 * rand()) });
      }
    }
    const background = 40 + Math.floor(rand() * 5) - numGt;
    for (let b = 0; b < background; b++) {
      const w = Math.min(side(), 640), h = Math.min(side(), 480);
      const box: [number, number, number, number] = [f(rand() * (640 - w)), f(rand() * (480 - h)), f(w), f(h)];
      // A few scores on a coarse grid: ties across images, ordered by image as pycocotools does.
      const score = rand() < 0.05 ? Math.round(rand() * 20) / 20 : f(0.05 + 0.5 * rand() ** 2);
      dt.push({ image_id: image.id, category_id: categories[Math.floor(rand() * 80)].id, bbox: box, score });
    }
  }
  return { gt: { images, annotations, categories }, dt };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median CPU ms of fn over runs (CPU, not wall: the machine is shared). */
function timeMs(fn: () => void, runs: number): number {
  return median(Array.from({ length: runs }, () => cpuMs(fn)));
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** GNU time, to read the child's CPU time (user + sys): on a shared machine wall time includes waiting. */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs the CLI once; returns wall ms, CPU ms (NaN without GNU time) and stdout. Throws with stderr on failure. */
function runCli(args: string[]): { ms: number; cpuMs: number; stdout: string } {
  const node = [process.execPath, join(ROOT, 'bin', 'ablate.js'), ...args];
  const [cmd, ...argv] = GNU_TIME ? [GNU_TIME, '-f', 'cpu %U %S', ...node] : node;
  const t0 = performance.now();
  const proc = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (proc.status !== 0) throw new Error(`ablate ${args.join(' ')} exited ${proc.status}: ${proc.stderr}`);
  const cpu = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(proc.stderr);
  return { ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN, stdout: proc.stdout };
}

/** CPU ms of this process around fn (all threads: the JIT compiles on a helper thread). */
function cpuMs(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

function sameStats(a: CocoStats, b: CocoStats, tolerance: number): boolean {
  return COCO_STAT_KEYS.every((k) => Math.abs(a[k] - b[k]) <= tolerance);
}

/** The official API on the same files, if asked for and available (tools/coco-oracle/compare.py). */
/** Whether python3 has pycocotools with its C extension (`pycocotools._mask`). */
function officialApiInstalled(): boolean {
  return spawnSync('python3', ['-c', 'import pycocotools._mask'], { stdio: 'ignore' }).status === 0;
}

/** The official COCO API on the same files, timed by compare.py; undefined when it is not installed. */
function runOfficial(gtPath: string, dtPath: string): { seconds: number; stats: CocoStats } | undefined {
  if (!officialApiInstalled()) return undefined;
  const out = execFileSync('python3', [join(ROOT, 'tools', 'coco-oracle', 'compare.py'), 'official', gtPath, dtPath, '--time'], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const parsed = JSON.parse(out) as CocoStats & { seconds: number };
  return { seconds: parsed.seconds, stats: parsed };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ablate-bench-eval-'));
  try {
    const { gt, dt } = makeCase(20150101);
    const gtPath = join(dir, 'gt.json'), dtPath = join(dir, 'dt.json');
    writeFileSync(gtPath, JSON.stringify(gt));
    writeFileSync(dtPath, JSON.stringify(dt));
    const mb = (p: string) => round(readFileSync(p).length / 2 ** 20);
    console.log(`case: ${gt.images.length} images, ${gt.categories.length} categories, ${gt.annotations.length} GT boxes ` +
      `(${gt.annotations.filter((a) => a.iscrowd).length} crowds), ${dt.length} detections; files ${mb(gtPath)} + ${mb(dtPath)} MiB`);

    // Same-run baselines: reading + JSON.parse of both files, and the CLI's start-up.
    const parseMs = timeMs(() => {
      JSON.parse(readFileSync(gtPath, 'utf8'));
      JSON.parse(readFileSync(dtPath, 'utf8'));
    }, 3);
    const startupRuns = [0, 1, 2].map(() => runCli(['--help']));
    const startupMs = median(startupRuns.map((r) => r.ms));
    const startupCpuMs = median(startupRuns.map((r) => r.cpuMs));

    // In process: load (read + scan + check) and evaluate, separately; the first call of each
    // (what the CLI pays, compilation included) and the median of later ones.
    let gtObj!: CocoDataset, dtCols!: ReturnType<typeof readCocoResults>;
    const load = () => {
      gtObj = validateCocoGroundTruth(parseJson(readFileSync(gtPath, 'utf8'), gtPath), gtPath);
      dtCols = readCocoResults(readFileSync(dtPath), dtPath, gtObj);
    };
    let stats!: CocoStats;
    const evaluate = () => {
      stats = evaluateCoco(gtObj, dtCols).stats;
    };
    const loadFirstCpuMs = cpuMs(load);
    const evaluateFirstCpuMs = cpuMs(evaluate);
    const loadMs = timeMs(load, 3);
    const evaluateMs = timeMs(evaluate, 5);

    // The whole command, as a user runs it.
    const cliRuns = [0, 1, 2].map(() => runCli(['eval', '--gt', gtPath, '--dt', dtPath, '--json']));
    const cliMs = median(cliRuns.map((r) => r.ms));
    const cliCpuMs = median(cliRuns.map((r) => r.cpuMs));
    const cliStats = JSON.parse(cliRuns[0].stdout) as CocoStats;
    if (!sameStats(cliStats, stats, 0)) throw new Error('the CLI and the in-process evaluation disagree');

    const official = runOfficial(gtPath, dtPath);
    if (official && !sameStats(official.stats, stats, 1e-9)) throw new Error('the official API disagrees');

    let ops: Record<string, number> | string;
    try {
      const mod = (await import('./ops')) as { measureOps?: () => Promise<Record<string, number>> };
      ops = mod.measureOps ? await mod.measureOps() : 'bench/ops.ts has no measureOps';
    } catch (err) {
      ops = `bench/ops.ts not usable: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (typeof ops === 'string') console.log(`note: ${ops}; its figures are left out`);

    console.log(`AP ${stats.AP.toFixed(4)} AP50 ${stats.AP50.toFixed(4)} AR100 ${stats.AR100.toFixed(4)}`);
    console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores (CPU time below is what the work costs; wall time adds the wait for a core)`);
    console.log(`JSON.parse of both files (baseline): ${round(parseMs)} ms CPU`);
    console.log(`CLI start-up (ablate --help):        ${round(startupMs)} ms wall, ${round(startupCpuMs)} ms CPU`);
    console.log(`in process, first call: load + check ${round(loadFirstCpuMs)} ms CPU, evaluateCoco ${round(evaluateFirstCpuMs)} ms CPU`);
    console.log(`in process, warm:       load + check ${round(loadMs)} ms CPU, evaluateCoco ${round(evaluateMs)} ms CPU`);
    console.log(`whole command (ablate eval --json):  ${round(cliMs)} ms wall, ${round(cliCpuMs)} ms CPU  goal < ${GOAL_S * 1000} ms: ${cliMs < GOAL_S * 1000 ? 'met' : 'NOT met'} (wall), ${cliCpuMs < GOAL_S * 1000 ? 'met' : 'NOT met'} (CPU)`);
    console.log(`  of which start-up ${round(startupCpuMs)} ms CPU, evaluation work ${round(cliCpuMs - startupCpuMs)} ms CPU`);
    if (official) console.log(`vs official Python COCO API, measured in this run: ${round(official.seconds, 2)} s → ${round((official.seconds * 1000) / cliMs)}× faster (wall), same stats to 1e-9`);
    else console.log('vs official Python COCO API: not measured (python3 cannot import pycocotools here)');
    console.log(`warm load + evaluate vs JSON.parse of the two files: ${round((loadMs + evaluateMs) / parseMs, 2)}×`);

    const figures = {
      bench: 'eval',
      images: gt.images.length,
      gt_boxes: gt.annotations.length,
      detections: dt.length,
      load_average: round(loadavg()[0], 1),
      cli_ms: round(cliMs),
      cli_cpu_ms: round(cliCpuMs),
      cli_startup_ms: round(startupMs),
      cli_startup_cpu_ms: round(startupCpuMs),
      json_parse_ms: round(parseMs),
      load_and_check_first_cpu_ms: round(loadFirstCpuMs),
      evaluate_first_cpu_ms: round(evaluateFirstCpuMs),
      load_and_check_ms: round(loadMs),
      evaluate_ms: round(evaluateMs),
      official_measured_s: official ? round(official.seconds, 2) : 'not measured',
      speedup_vs_official_measured: official ? round((official.seconds * 1000) / cliMs) : null,
      cli_cpu_over_json_parse: round(cliCpuMs / parseMs, 2),
      goal_met: cliMs < GOAL_S * 1000,
      goal_met_cpu: cliCpuMs < GOAL_S * 1000,
      AP: stats.AP,
      ...(typeof ops === 'string' ? {} : { ops }),
    };
    finishBench('eval', [
      {
        figure: `ablate eval --json, ${gt.images.length} images × ${gt.categories.length} classes (COCO val2017's size), median of 3`,
        value: `${round(cliMs)} ms wall, ${round(cliCpuMs)} ms CPU`,
        baseline: `JSON.parse of the two files ${round(parseMs)} ms; CLI start-up ${round(startupCpuMs)} ms CPU`,
        goal: `< ${GOAL_S * 1000} ms`,
        met: cliMs < GOAL_S * 1000,
      },
      {
        figure: 'ablate eval vs the official COCO API (pycocotools, C extension), same files',
        value: official ? `${round((official.seconds * 1000) / cliMs)}× faster` : 'not measured (pycocotools not importable)',
        baseline: official ? `pycocotools ${round(official.seconds, 2)} s` : 'not measured',
        goal: null,
        met: null,
      },
    ], figures);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
