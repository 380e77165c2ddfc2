/**
 * The parts of the API's sweep answer (`GET /sweeps/:id`) the CLI shows; other fields are ignored.
 */
export interface RunView {
  id: string;
  index: number;
  status: string;
  /** The varied parameters of the run: config path → value. */
  params: Record<string, unknown>;
  seed: number;
  step: number;
  totalSteps: number;
  attempts: number;
}

export interface SweepProgressView {
  total: number;
  ended: number;
  /** Fraction of the sweep's work done, in [0, 1]. */
  fraction: number;
  etaSeconds: number | null;
}

/** `GET /sweeps/:id` as the API sends it: runs grouped by status. */
export interface SweepDetail {
  id: string;
  name: string;
  status: string;
  progress: SweepProgressView;
  runsByStatus: Record<string, RunView[]>;
}

/** The sweep with its runs in expansion order. */
export interface SweepView {
  id: string;
  name: string;
  status: string;
  progress: SweepProgressView;
  runs: RunView[];
}

export function toSweepView(detail: SweepDetail): SweepView {
  const runs = Object.values(detail.runsByStatus ?? {})
    .flat()
    .sort((a, b) => a.index - b.index);
  return { id: detail.id, name: detail.name, status: detail.status, progress: detail.progress, runs };
}

/** Run statuses after which a run does no more work. */
export const TERMINAL_RUN_STATUSES = new Set(['completed', 'failed', 'diverged', 'cancelled']);
/** Sweep statuses after which the sweep does no more work. */
export const TERMINAL_SWEEP_STATUSES = new Set(['completed', 'cancelled']);

const SHORT_NAMES: Record<string, string> = { 'loss.gamma': 'γ', 'loss.alpha': 'α', 'model.phi': 'φ', 'anchors.scalesPerOctave': 'scales' };

/** Where a path goes in a label: the named ones first, in SHORT_NAMES order (PostgreSQL's jsonb sorts keys). */
const rank = (path: string): number => {
  const i = Object.keys(SHORT_NAMES).indexOf(path);
  return i < 0 ? Infinity : i;
};

/** `{ 'loss.alpha': 0.25, 'loss.gamma': 2 }`, seed 0 → `γ=2 α=0.25`. */
export function runLabel(run: Pick<RunView, 'id' | 'params' | 'seed'>): string {
  const parts = Object.entries(run.params ?? {})
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([path, value]) => `${SHORT_NAMES[path] ?? path}=${JSON.stringify(value)}`);
  if (run.seed !== undefined && run.seed !== 0) parts.push(`seed=${run.seed}`);
  return parts.join(' ') || run.id.slice(0, 8);
}

/** Whether the sweep will do no more work. */
export function sweepFinished(sweep: Pick<SweepView, 'status'>): boolean {
  return TERMINAL_SWEEP_STATUSES.has(sweep.status);
}
