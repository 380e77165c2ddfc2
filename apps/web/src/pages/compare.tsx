import type { RunDetail } from '@ablate/contract';
import { useState } from 'preact/hooks';
import { classApChart } from '../charts';
import { Layout, Section } from '../components/layout';
import { PlotView } from '../components/plot-view';
import { fetchRuns, RunCurves } from '../components/run-curves';
import { useLoad } from '../hooks';
import { BASE, navigate } from '../router';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Compare: any runs, from any sweeps — their curves overlaid and their per-class AP side by side. */
export function ComparePage({ runs }: { runs: string[] }) {
  const [text, setText] = useState(runs.join('\n'));
  const ids = runs.filter((id) => UUID.test(id));
  const apply = (event: Event) => {
    event.preventDefault();
    const picked = text.split(/[\s,]+/).filter((s) => UUID.test(s));
    navigate(`${BASE}/compare?runs=${picked.join(',')}`);
  };
  return (
    <Layout title="Compare runs">
      <form onSubmit={apply} class="filters" aria-label="Pick runs">
        <label>
          Run ids (one per line or comma-separated; pick them on a sweep's page)
          <textarea rows={3} cols={80} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit">Compare</button>
      </form>
      {ids.length === 0 ? <p class="muted">No runs picked yet.</p> : <Comparison ids={ids} />}
    </Layout>
  );
}

function Comparison({ ids }: { ids: string[] }) {
  const runs = useLoad(`compare:${ids.join(',')}`, () => fetchRuns(ids));
  const params = [...new Set((runs.data ?? []).flatMap((r) => Object.keys(r.params)))];
  return (
    <div>
      <Section title="Curves">
        <RunCurves ids={ids} params={params} label="compare" />
      </Section>
      {runs.data && <ClassAp runs={runs.data} />}
    </div>
  );
}

function ClassAp({ runs }: { runs: RunDetail[] }) {
  const points = runs.flatMap((r) =>
    (r.finalEvaluation?.perClass ?? []).filter((c) => c.ap >= 0).map((c) => ({ cls: c.name ?? `class ${c.categoryId}`, run: `${r.id.slice(0, 8)} ${Object.values(r.params).map((v) => JSON.stringify(v)).join(' ')}`, ap: c.ap })),
  );
  return (
    <Section title="Per-class AP (final evaluations)">
      {points.length > 0 ? <PlotView label="per-class AP" options={classApChart(points)} deps={[points.length]} /> : <p class="muted">None of these runs has a final evaluation yet.</p>}
      <ul class="small">
        {runs.map((r) => (
          <li key={r.id}>
            <a href={`${BASE}/runs/${r.id}`} class="mono">
              {r.id.slice(0, 8)}
            </a>{' '}
            {r.status} · {Object.entries(r.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ') || 'lone run'}
          </li>
        ))}
      </ul>
    </Section>
  );
}
