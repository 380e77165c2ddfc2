import { routes, type AblationTable, type RunLine, type SweepDetail } from '@ablate/contract';
import { useMemo, useState } from 'preact/hooks';
import { call, urlOf } from '../api';
import { paramScatter, pivotChart, pivotPoints, type ParamPoint } from '../charts';
import { Annotations } from '../components/annotations';
import { Failure, Layout, Section } from '../components/layout';
import { PlotView } from '../components/plot-view';
import { RunCurves } from '../components/run-curves';
import { Progress, RunCountsLine, StatusTag } from '../components/status';
import { WhenVisible } from '../components/when-visible';
import { ablationToLatex, download } from '../export';
import { duration, meanStd, shortId, value } from '../format';
import { useLoad } from '../hooks';
import { BASE } from '../router';

const LIVE = new Set(['queued', 'running', 'cancelling']);
/** The stats a pivot offers first; others (segm.AP …) can be typed. */
const METRICS = ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR100', 'segm.AP', 'segm.AP50'];
/** A pivot chart's panels are its rows: past this many they are neither readable nor quick to draw. */
const MAX_CHART_ROWS = 20;
/** Curves are drawn for at most this many runs (each is one request). */
const MAX_CURVES = 24;

/** A sweep: its pivot as a table and a chart, the parameters against a metric, curves, failures, runs. */
export function SweepPage({ id }: { id: string }) {
  const sweep = useLoad(`sweep:${id}`, () => call(routes.getSweep, { params: { id } }), 3000, (s) => LIVE.has(s.status));
  const [cell, setCell] = useState<Record<string, unknown> | null>(null);
  if (sweep.error && !sweep.data) return <Layout title="Sweep"><Failure error={sweep.error} /></Layout>;
  if (!sweep.data) return <Layout title="Sweep"><p class="muted">Loading…</p></Layout>;
  const s = sweep.data;
  const shownRuns = cell ? s.runs.filter((r) => Object.entries(cell).every(([k, v]) => JSON.stringify(r.params[k]) === JSON.stringify(v))) : s.runs;
  return (
    <Layout title={s.name} actions={<CancelButton sweep={s} onDone={sweep.reload} />}>
      <SweepHeader sweep={s} />
      <Annotations tags={s.tags} note={s.note} save={async (patch) => {
          await call(routes.updateSweep, { params: { id }, body: patch });
          sweep.reload();
        }} />
      {s.variedPaths.length > 0 && <Pivot sweep={s} onCell={setCell} />}
      {s.variedPaths.length > 0 && (
        <WhenVisible>
          <ParamsAgainstMetric sweep={s} />
        </WhenVisible>
      )}
      <Section title="Curves">
        <WhenVisible>
          <RunCurves ids={s.runs.filter((r) => r.step > 0).slice(0, MAX_CURVES).map((r) => r.id)} params={s.variedPaths} label="sweep" />
        </WhenVisible>
        {s.runs.length > MAX_CURVES && <p class="muted small">The first {MAX_CURVES} runs with progress; compare any runs on the Compare page.</p>}
      </Section>
      <Failures runs={s.runs} />
      <Section title={cell ? `Runs of ${Object.entries(cell).map(([k, v]) => `${k}=${value(v)}`).join(', ')}` : 'Runs'} id="runs">
        {cell && (
          <button class="link" onClick={() => setCell(null)}>
            show all runs
          </button>
        )}
        <RunsTable runs={shownRuns} varied={s.variedPaths} />
      </Section>
    </Layout>
  );
}

function SweepHeader({ sweep: s }: { sweep: SweepDetail }) {
  return (
    <dl class="facts">
      <dt>Status</dt>
      <dd>
        <StatusTag status={s.status} /> <RunCountsLine counts={s.runCounts} />
      </dd>
      <dt>Progress</dt>
      <dd>
        <Progress fraction={s.progress.fraction} /> {s.progress.ended} of {s.progress.total} runs ended
        {s.progress.etaSeconds !== null && LIVE.has(s.status) ? ` · ETA ${duration(s.progress.etaSeconds)}` : ''}
      </dd>
      <dt>Dataset</dt>
      <dd class="mono small">
        train {s.dataset.train} · val {s.dataset.val}
      </dd>
      <dt>Varies</dt>
      <dd class="mono">{s.variedPaths.join(', ') || '–'}</dd>
      <dt>Id</dt>
      <dd class="mono small">{s.id}</dd>
    </dl>
  );
}

function CancelButton({ sweep, onDone }: { sweep: SweepDetail; onDone: () => void }) {
  const [error, setError] = useState<string | null>(null);
  if (!LIVE.has(sweep.status) || sweep.status === 'cancelling') return null;
  const cancel = async () => {
    if (!confirm(`Cancel sweep ${sweep.name}? Queued runs are removed, running runs stop at their next step.`)) return;
    try {
      await call(routes.cancelSweep, { params: { id: sweep.id } });
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <span>
      <button class="danger" onClick={cancel}>
        Cancel sweep
      </button>
      {error && <span class="error">{error}</span>}
    </span>
  );
}

/** The pivot: rows × cols of one metric, mean ± std over seeds, n and failures per cell, the best marked. */
function Pivot({ sweep, onCell }: { sweep: SweepDetail; onCell(key: Record<string, unknown>): void }) {
  const varied = sweep.variedPaths;
  const [rows, setRows] = useState(varied[0]!);
  const [cols, setCols] = useState(varied[1] ?? '');
  const [metric, setMetric] = useState('AP');
  const [pool, setPool] = useState(false);
  // The varied paths besides rows and cols: more rows, or averaged over when pooled (a cell must
  // not mix runs that differ in a parameter the table does not show).
  const others = varied.filter((v) => v !== rows && v !== cols);
  const query = { rows: (pool ? [rows] : [rows, ...others]).join(','), ...(cols ? { cols } : {}), ...(pool && others.length > 0 ? { pool: others.join(',') } : {}), metric };
  const table = useLoad(`pivot:${sweep.id}:${JSON.stringify(query)}:${sweep.progress.ended}`, () => call(routes.sweepAblation, { params: { id: sweep.id }, query }));
  const exportUrl = (format: 'csv' | 'md' | 'json') => urlOf(routes.sweepAblation, { params: { id: sweep.id }, query: { ...query, format } });
  return (
    <Section title="Ablation" id="pivot">
      <div class="filters">
        <Choice label="Rows" value={rows} options={varied} onChange={setRows} />
        <Choice label="Columns" value={cols} options={['', ...varied.filter((v) => v !== rows)]} onChange={setCols} />
        <label>
          Metric{' '}
          <input list="metrics" value={metric} size={10} onChange={(e) => setMetric((e.target as HTMLInputElement).value)} aria-label="Metric" />
          <datalist id="metrics">
            {METRICS.map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        {others.length > 0 && (
          <label title={`Average each cell over ${others.join(', ')} instead of showing them as rows`}>
            <input type="checkbox" checked={pool} onChange={(e) => setPool((e.target as HTMLInputElement).checked)} /> pool over {others.join(', ')}
          </label>
        )}
        <span class="exports">
          Export: <a href={exportUrl('csv')} download>CSV</a> · <a href={exportUrl('md')} download>Markdown</a> · <a href={exportUrl('json')} download>JSON</a> ·{' '}
          <button class="link" disabled={!table.data} onClick={() => table.data && download(`${sweep.name}-${metric}.tex`, ablationToLatex(table.data))}>
            LaTeX
          </button>
        </span>
      </div>
      {table.error && <Failure error={table.error} />}
      {table.data && <PivotTable table={table.data} onCell={onCell} />}
      {table.data && table.data.mode === 'pivot' && table.data.entries.length <= MAX_CHART_ROWS && (
        <PlotView label="pivot chart" options={pivotChart(pivotPoints(table.data), table.data.rows.join(' · '), cols || 'metric', metric)} deps={[JSON.stringify(table.data)]} />
      )}
      {table.data && table.data.mode === 'pivot' && table.data.entries.length > MAX_CHART_ROWS && (
        <p class="muted small">The chart draws up to {MAX_CHART_ROWS} rows; this table has {table.data.entries.length}: pool over {others.join(', ')} to chart it.</p>
      )}
    </Section>
  );
}

function Choice({ label, value: v, options, onChange }: { label: string; value: string; options: string[]; onChange(v: string): void }) {
  return (
    <label>
      {label}{' '}
      <select value={v} onChange={(e) => onChange((e.target as HTMLSelectElement).value)} aria-label={label}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o || '(none)'}
          </option>
        ))}
      </select>
    </label>
  );
}

function PivotTable({ table, onCell }: { table: AblationTable; onCell(key: Record<string, unknown>): void }) {
  const best = Math.max(...table.entries.flatMap((e) => Object.values(e.cells).map((c) => c.mean ?? -Infinity)));
  const colKey = (c: string): unknown => (table.cols ? JSON.parse(c) : undefined);
  return (
    <table class="grid pivot" aria-label="Ablation pivot">
      <thead>
        <tr>
          {table.rows.map((r) => (
            <th key={r}>{r}</th>
          ))}
          {table.columns.map((c) => (
            <th key={c}>{table.cols ? `${table.cols} = ${c}` : c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.entries.map((e) => (
          <tr key={JSON.stringify(e.key)}>
            {table.rows.map((r) => (
              <th key={r} class="mono">
                {value(e.key[r])}
              </th>
            ))}
            {table.columns.map((c) => {
              const cell = e.cells[c];
              const key = table.cols ? { ...e.key, [table.cols]: colKey(c) } : e.key;
              const isBest = cell?.mean !== null && cell?.mean === best;
              return (
                <td key={c} class={`cell${isBest ? ' best' : ''}${cell && cell.failed > 0 ? ' has-failures' : ''}`} data-mean={cell?.mean ?? ''} data-n={cell?.n ?? 0}>
                  <a href="#runs" onClick={() => onCell(key)} title="Show the runs of this cell">
                    {cell ? meanStd(cell.mean, cell.std) : '–'}
                  </a>
                  <span class="muted small">
                    {' '}
                    n={cell?.n ?? 0}
                    {cell && cell.failed > 0 ? <span class="bad-text"> · {cell.failed} failed</span> : null}
                  </span>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
      <caption class="muted small">
        {table.metric ?? 'stats'} in %, mean ± std over seeds; {table.samples} ended runs{table.pooled.length > 0 ? `; pooled over ${table.pooled.join(', ')}` : ''}. Best cell in bold.
      </caption>
    </table>
  );
}

/** Each varied parameter against a metric, one dot per run (list mode over the varied paths and the seed). */
function ParamsAgainstMetric({ sweep }: { sweep: SweepDetail }) {
  const [metric, setMetric] = useState('AP');
  const rows = [...sweep.variedPaths, 'seed'].join(',');
  const table = useLoad(`params:${sweep.id}:${metric}:${sweep.progress.ended}`, () => call(routes.sweepAblation, { params: { id: sweep.id }, query: { rows } }));
  const points = useMemo<ParamPoint[]>(() => {
    if (!table.data) return [];
    return table.data.entries.flatMap((e) => {
      const m = e.cells[metric]?.mean;
      if (m === null || m === undefined) return [];
      return sweep.variedPaths.map((p) => ({ param: p, value: value(e.key[p]), metric: m, run: `seed ${value(e.key['seed'])}` }));
    });
  }, [table.data, metric, sweep.variedPaths]);
  return (
    <Section title="Parameters against a metric">
      <Choice label="Metric" value={metric} options={table.data?.columns ?? ['AP']} onChange={setMetric} />
      {table.error && <Failure error={table.error} />}
      {points.length > 0 ? (
        <div class="two">
          {sweep.variedPaths.map((p) => (
            <PlotView key={p} label={`${p} against ${metric}`} options={paramScatter(points.filter((q) => q.param === p), p, metric)} deps={[metric, JSON.stringify(points)]} />
          ))}
        </div>
      ) : (
        <p class="muted">No ended runs yet.</p>
      )}
    </Section>
  );
}

/** Failed and diverged runs grouped by the first line of their error. */
function Failures({ runs }: { runs: RunLine[] }) {
  const groups = new Map<string, RunLine[]>();
  for (const r of runs) {
    if ((r.status !== 'failed' && r.status !== 'diverged') || !r.error) continue;
    const reason = r.error.split('\n')[0]!.slice(0, 200);
    groups.set(reason, [...(groups.get(reason) ?? []), r]);
  }
  if (groups.size === 0) return null;
  return (
    <Section title="Failures">
      <ul class="failures">
        {[...groups].map(([reason, rs]) => (
          <li key={reason}>
            <span class="bad-text">{rs.length} ×</span> <span class="mono small">{reason}</span>{' '}
            {rs.slice(0, 8).map((r) => (
              <a key={r.id} href={`${BASE}/runs/${r.id}`} class="mono small">
                {' '}
                #{r.index}
              </a>
            ))}
          </li>
        ))}
      </ul>
    </Section>
  );
}

function RunsTable({ runs, varied }: { runs: RunLine[]; varied: string[] }) {
  const [selected, setSelected] = useState<string[]>([]);
  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  return (
    <div>
      <p>
        <a class={selected.length < 2 ? 'disabled' : ''} href={`${BASE}/compare?runs=${selected.join(',')}`}>
          Compare {selected.length} selected runs
        </a>
      </p>
      <table class="grid runs" aria-label="Runs">
        <thead>
          <tr>
            <th />
            <th>#</th>
            {varied.map((p) => (
              <th key={p}>{p}</th>
            ))}
            <th>seed</th>
            <th>status</th>
            <th>step</th>
            <th>attempts</th>
            <th>worker</th>
            <th>error</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} class={r.status === 'failed' || r.status === 'diverged' ? 'has-failures' : ''}>
              <td>
                <input type="checkbox" checked={selected.includes(r.id)} onChange={() => toggle(r.id)} aria-label={`select run ${r.index}`} />
              </td>
              <td>
                <a href={`${BASE}/runs/${r.id}`}>#{r.index}</a>
              </td>
              {varied.map((p) => (
                <td key={p} class="mono">
                  {value(r.params[p])}
                </td>
              ))}
              <td>{r.seed}</td>
              <td>
                <StatusTag status={r.status} />
              </td>
              <td>
                {r.step} / {r.totalSteps}
              </td>
              <td>{r.attempts}</td>
              <td class="mono small">{r.worker ? `${r.worker.host}:${r.worker.pid}` : '–'}</td>
              <td class="small bad-text">{r.error ? r.error.split('\n')[0] : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">{runs.length} runs · ids {runs.slice(0, 1).map((r) => shortId(r.id))}…</p>
    </div>
  );
}

