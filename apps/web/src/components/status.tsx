import type { RunCounts } from '@ablate/contract';

const BAD = new Set(['failed', 'diverged', 'completed_with_failures']);

/** A status as a coloured tag: failures red, the running ones blue, the done ones green. */
export function StatusTag({ status }: { status: string }) {
  const tone = BAD.has(status) ? 'bad' : status === 'running' || status === 'queued' ? 'live' : status === 'completed' ? 'good' : 'quiet';
  return <span class={`tag ${tone}`}>{status.replace(/_/g, ' ')}</span>;
}

/** Runs by status in words, failures first and in red: "2 failed · 5 completed · 1 running". */
export function RunCountsLine({ counts }: { counts: RunCounts }) {
  const order = ['failed', 'diverged', 'running', 'queued', 'completed', 'cancelled', 'stopped'];
  const entries = Object.entries(counts as Record<string, number>)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  if (entries.length === 0) return <span class="muted">no runs</span>;
  return (
    <span class="counts">
      {entries.map(([status, n], i) => (
        <span key={status} class={BAD.has(status) ? 'bad-text' : ''}>
          {i > 0 ? ' · ' : ''}
          {n} {status}
        </span>
      ))}
    </span>
  );
}

/** A thin progress bar with its percentage. */
export function Progress({ fraction }: { fraction: number }) {
  const pct = Math.round(fraction * 100);
  return (
    <span class="progress" title={`${pct} %`}>
      <span class="bar" style={{ width: `${pct}%` }} />
      <span class="label">{pct} %</span>
    </span>
  );
}
