import { routes, type RunDetail } from '@ablate/contract';
import { useState } from 'preact/hooks';
import { call } from '../api';
import { mapConcurrent } from '../concurrent';
import { curves, type CurvePoint } from '../charts';
import { useLoad } from '../hooks';
import { PlotView } from './plot-view';

/** Fetches runs' details a few at a time (a page of curves must not fire a thousand requests at once). */
export function fetchRuns(ids: string[], concurrency = 4): Promise<RunDetail[]> {
  return mapConcurrent(ids, concurrency, (id) => call(routes.getRun, { params: { id } }));
}

/** The loss of each run against step, from its stored metric rows. */
export function lossPoints(runs: RunDetail[], seriesOf: (r: RunDetail) => string, metric = 'loss'): CurvePoint[] {
  return runs.flatMap((r) => r.metrics.flatMap((m) => (typeof m.values[metric] === 'number' ? [{ series: seriesOf(r), line: r.id, step: m.step, value: m.values[metric] as number }] : [])));
}

/** AP (or another bbox stat) of each run against step, from its completed evaluations. */
export function apPoints(runs: RunDetail[], seriesOf: (r: RunDetail) => string, stat = 'AP'): CurvePoint[] {
  return runs.flatMap((r) =>
    r.evaluations
      .filter((e) => e.status === 'completed' && typeof e[stat] === 'number' && (e[stat] as number) >= 0)
      .map((e) => ({ series: seriesOf(r), line: r.id, step: e.step, value: e[stat] as number })),
  );
}

/**
 * Loss and AP curves of several runs overlaid, coloured by a chosen parameter (or by run).
 * `params` lists what the colour may follow.
 */
export function RunCurves({ ids, params, label }: { ids: string[]; params: string[]; label: string }) {
  const [colourBy, setColourBy] = useState(params[0] ?? 'run');
  const runs = useLoad(`curves:${ids.join(',')}`, () => fetchRuns(ids));
  const seriesOf = (r: RunDetail) => (colourBy === 'run' ? `${r.name ?? r.id.slice(0, 8)}` : `${colourBy}=${JSON.stringify(r.params[colourBy] ?? (r.config as Record<string, unknown>)[colourBy])}`);
  if (runs.error) return <p class="error">{runs.error.message}</p>;
  if (!runs.data) return <p class="muted">Loading {ids.length} runs…</p>;
  const loss = lossPoints(runs.data, seriesOf);
  const ap = apPoints(runs.data, seriesOf);
  return (
    <div>
      <label>
        Colour by{' '}
        <select value={colourBy} onChange={(e) => setColourBy((e.target as HTMLSelectElement).value)} aria-label="Colour curves by">
          {[...params, 'run'].map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <div class="two">
        <PlotView label={`${label} loss`} options={curves(loss, 'loss', { logY: true })} deps={[loss.length, colourBy, ids.join()]} />
        {ap.length > 0 ? (
          <PlotView label={`${label} AP`} options={curves(ap, 'AP', { percent: true })} deps={[ap.length, colourBy, ids.join()]} />
        ) : (
          <p class="muted">No evaluations yet (set train.evalEvery for AP during training).</p>
        )}
      </div>
    </div>
  );
}
