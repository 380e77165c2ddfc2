import { routes, SWEEP_STATUSES, type SweepSummary } from '@ablate/contract';
import { useMemo, useState } from 'preact/hooks';
import { call } from '../api';
import { TagChips } from '../components/annotations';
import { Failure, Layout } from '../components/layout';
import { Progress, RunCountsLine, StatusTag } from '../components/status';
import { duration, shortId, when } from '../format';
import { useLoad } from '../hooks';
import { BASE, navigate } from '../router';
import { tagHref } from '../tags';

const POLL_MS = 3000;

function failures(s: SweepSummary): number {
  const c = s.runCounts as Record<string, number>;
  return (c['failed'] ?? 0) + (c['diverged'] ?? 0);
}

/** Every tag of the sweeps shown, for the tag filter's suggestions. */
function knownTags(sweeps: SweepSummary[] | undefined): string[] {
  return [...new Set((sweeps ?? []).flatMap((s) => s.tags))].sort();
}

/**
 * Home: every sweep, newest first, live; filter by status and name, and by tag: the tag is in the
 * URL (`/ui/?tag=baseline`, where each row's tags link to) and filtered by the API, so a tag finds
 * sweeps older than the page's 500.
 */
export function HomePage({ tag }: { tag: string }) {
  const sweeps = useLoad(`sweeps:${tag}`, () => call(routes.listSweeps, { query: { limit: 500, ...(tag ? { tag } : {}) } }), POLL_MS);
  const [status, setStatus] = useState('');
  const [name, setName] = useState('');
  const shown = useMemo(() => {
    const needle = name.trim().toLowerCase();
    return (sweeps.data ?? []).filter((s) => (!status || s.status === status) && (!needle || s.name.toLowerCase().includes(needle) || s.id.startsWith(needle)));
  }, [sweeps.data, status, name]);

  return (
    <Layout title="Sweeps">
      <div class="filters">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)} aria-label="Filter by status">
            <option value="">any</option>
            {SWEEP_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name <input type="search" value={name} placeholder="name or id" onInput={(e) => setName((e.target as HTMLInputElement).value)} aria-label="Filter by name" />
        </label>
        <label>
          Tag{' '}
          <input
            list="known-tags"
            value={tag}
            size={14}
            placeholder="any"
            aria-label="Filter by tag"
            onChange={(e) => {
              const value = (e.target as HTMLInputElement).value.trim();
              navigate(value ? tagHref(BASE, value) : `${BASE}/`);
            }}
          />
          <datalist id="known-tags">
            {knownTags(sweeps.data).map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
          {tag && (
            <a class="small" href={`${BASE}/`}>
              {' '}
              clear
            </a>
          )}
        </label>
        <span class="muted">{sweeps.data ? `${shown.length} of ${sweeps.data.length} sweeps · updates every ${POLL_MS / 1000} s` : ''}</span>
      </div>
      {sweeps.error && <Failure error={sweeps.error} />}
      {sweeps.data && sweeps.data.length === 0 && !tag && <p class="muted">No sweeps yet. Submit one with `ablate sweep submit spec.json` or POST /sweeps.</p>}
      {sweeps.data && sweeps.data.length === 0 && tag && <p class="muted">No sweep is tagged {tag}.</p>}
      {shown.length > 0 && (
        <table class="grid sweeps" aria-label="Sweeps">
          <thead>
            <tr>
              <th>Sweep</th>
              <th>Status</th>
              <th>Runs</th>
              <th>Progress</th>
              <th>Tags</th>
              <th>Varies</th>
              <th>Dataset</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => (
              <tr key={s.id} class={failures(s) > 0 ? 'has-failures' : ''} data-sweep={s.id}>
                <td>
                  <a href={`${BASE}/sweeps/${s.id}`}>{s.name}</a> <span class="muted mono">{shortId(s.id)}</span>
                </td>
                <td>
                  <StatusTag status={s.status} />
                </td>
                <td>
                  <RunCountsLine counts={s.runCounts} />
                </td>
                <td>
                  <Progress fraction={s.progress.fraction} />
                  {s.progress.etaSeconds !== null && <span class="muted small"> ETA {duration(s.progress.etaSeconds)}</span>}
                </td>
                <td>
                  <TagChips tags={s.tags} />
                </td>
                <td class="mono">{s.variedPaths.join(', ')}</td>
                <td class="mono small">{s.dataset.train}</td>
                <td>{when(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
