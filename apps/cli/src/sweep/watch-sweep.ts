import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { routes } from '@ablate/contract';
import { callRoute, type ApiTarget } from './api-client';
import { runLabel, sweepFinished, TERMINAL_RUN_STATUSES, type RunView, type SweepView } from './sweep-view';

export interface WatchOptions {
  /** Poll interval, ms. @defaultValue 1000 */
  intervalMs?: number;
  /** Where progress goes. @defaultValue process.stderr */
  stream?: NodeJS.WriteStream;
  /** Stop waiting after this long, ms; rejects. @defaultValue no limit */
  timeoutMs?: number;
  /** Clock origin of the `[12s]` stamps of piped output. @defaultValue when watching starts */
  startedAt?: number;
}

function eta(seconds: number | null): string {
  if (seconds === null) return '–';
  const total = Math.round(seconds);
  return total >= 60 ? `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s` : `${total}s`;
}

function runPayload(run: RunView): Record<string, string> {
  return { label: runLabel(run).padEnd(18), status: run.status.padEnd(9), attempt: run.attempts > 1 ? ` (attempt ${run.attempts})` : '' };
}

function sweepPayload(sweep: SweepView): Record<string, string> {
  return { label: 'sweep'.padEnd(18), status: sweep.status.padEnd(9), attempt: ` · ${sweep.progress.ended}/${sweep.progress.total} runs ended · eta ${eta(sweep.progress.etaSeconds)}` };
}

/** Live bars on a terminal: the sweep's overall fraction, then one bar per run (step of total steps). */
class BarsView {
  private readonly multi: MultiBar;
  private overall: SingleBar | undefined;
  private readonly bars = new Map<string, SingleBar>();

  constructor(stream: NodeJS.WriteStream) {
    this.multi = new MultiBar(
      { stream, format: '{label} |{bar}| {value}/{total} | {status}{attempt}', hideCursor: true, clearOnComplete: false, autopadding: true },
      Presets.shades_classic,
    );
  }

  update(sweep: SweepView): void {
    const percent = Math.round(sweep.progress.fraction * 100);
    if (this.overall) this.overall.update(percent, sweepPayload(sweep));
    else this.overall = this.multi.create(100, percent, sweepPayload(sweep));
    for (const run of sweep.runs) {
      const total = Math.max(1, run.totalSteps);
      const bar = this.bars.get(run.id);
      if (bar) bar.update(run.step, runPayload(run));
      else this.bars.set(run.id, this.multi.create(total, run.step, runPayload(run)));
    }
  }

  stop(): void {
    this.multi.stop();
  }
}

/** Piped output: one line whenever something changed, at most every few seconds. */
class LinesView {
  private last = '';
  private lastAt = 0;
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly started: number,
  ) {}

  update(sweep: SweepView, force = false): void {
    const active = sweep.runs.filter((r) => r.status === 'running').map((r) => `${runLabel(r)} ${r.step}/${r.totalSteps}`);
    const done = sweep.runs.filter((r) => TERMINAL_RUN_STATUSES.has(r.status)).length;
    const line = `${sweep.status}: ${done}/${sweep.runs.length} runs ended, ${Math.round(sweep.progress.fraction * 100)}%, eta ${eta(sweep.progress.etaSeconds)}${active.length > 0 ? ` · running ${active.join(', ')}` : ''}`;
    const now = Date.now();
    if (line === this.last || (!force && now - this.lastAt < 5000)) return;
    this.last = line;
    this.lastAt = now;
    this.stream.write(`[${String(Math.round((now - this.started) / 1000)).padStart(3)}s] ${line}\n`);
  }

  stop(): void {}
}

/** `GET /sweeps/:id`, runs in expansion order. */
export function getSweep(target: ApiTarget, sweepId: string): Promise<SweepView> {
  return callRoute(target, routes.getSweep, { params: { id: sweepId } });
}

/** Polls the sweep and shows progress until it has finished; resolves to its last state. */
export async function watchSweep(target: ApiTarget, sweepId: string, options: WatchOptions = {}): Promise<SweepView> {
  const stream = options.stream ?? process.stderr;
  const view = stream.isTTY ? new BarsView(stream) : new LinesView(stream, options.startedAt ?? Date.now());
  const deadline = options.timeoutMs !== undefined ? Date.now() + options.timeoutMs : Infinity;
  try {
    for (;;) {
      const sweep = await getSweep(target, sweepId);
      const finished = sweepFinished(sweep);
      if (view instanceof LinesView) view.update(sweep, finished);
      else view.update(sweep);
      if (finished) return sweep;
      if (Date.now() > deadline) throw new Error(`sweep ${sweepId} still running after ${options.timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
    }
  } finally {
    view.stop();
  }
}
