import { routes, type Evaluation, type RunDetail } from '@ablate/contract';
import { useState } from 'preact/hooks';
import { call, urlOf } from '../api';
import { curves, prChart, type CurvePoint } from '../charts';
import { Annotations } from '../components/annotations';
import { Failure, Layout, Section } from '../components/layout';
import { PlotView } from '../components/plot-view';
import { ConfusionView } from '../components/confusion-view';
import { Predictions } from '../components/predictions';
import { StatusTag } from '../components/status';
import { WhenVisible } from '../components/when-visible';
import { duration, pct, when } from '../format';
import { useLoad } from '../hooks';
import { BASE } from '../router';

const LIVE = new Set(['queued', 'running']);
const LOSS_PARTS = ['loss', 'classLoss', 'boxLoss'];
const AP_STATS = ['AP', 'AP50', 'APs', 'APm', 'APl'];

/** A run: what it is, how it went, its curves, its final evaluation in detail. */
export function RunPage({ id }: { id: string }) {
  const run = useLoad(`run:${id}`, () => call(routes.getRun, { params: { id } }), 3000, (r) => LIVE.has(r.status));
  if (run.error && !run.data) return <Layout title="Run"><Failure error={run.error} /></Layout>;
  if (!run.data) return <Layout title="Run"><p class="muted">Loading…</p></Layout>;
  const r = run.data;
  const title = r.name ?? `Run ${r.id.slice(0, 8)}`;
  return (
    <Layout title={title}>
      <RunFacts run={r} />
      <Annotations tags={r.tags} note={r.note} save={async (patch) => {
          await call(routes.updateRun, { params: { id }, body: patch });
          run.reload();
        }} />
      <Section title="Training curves">
        <div class="two">
          <PlotView label="loss parts" options={curves(metricPoints(r, LOSS_PARTS), 'loss', { logY: true })} deps={[r.metrics.length]} />
          <PlotView label="learning rate" options={curves(metricPoints(r, ['lr']), 'learning rate')} deps={[r.metrics.length]} />
        </div>
        <ApCurve run={r} />
      </Section>
      {r.finalEvaluation && <FinalEvaluation evaluation={r.finalEvaluation} names={namesOf(r)} />}
      {r.finalEvaluation?.status === 'completed' && (
        <WhenVisible>
          <Predictions runId={r.id} names={namesOf(r)} />
          <Section title="Confusion matrix">
            <ConfusionView runId={r.id} names={namesOf(r)} />
          </Section>
        </WhenVisible>
      )}
      <Evaluations run={r} onRequested={run.reload} />
      <Checkpoints runId={r.id} onRequested={run.reload} />
      <Section title="Config">
        <pre class="config" aria-label="Config">{JSON.stringify(r.config, null, 2)}</pre>
      </Section>
    </Layout>
  );
}

/** Category id → name, from the run's training set (ids where it has not been recorded). */
function namesOf(r: RunDetail): Map<number, string> {
  return new Map((r.categories ?? []).map((c) => [c.id, c.name]));
}

/** Points of the named metric rows against step. */
export function metricPoints(r: RunDetail, names: string[]): CurvePoint[] {
  return r.metrics.flatMap((m) => names.flatMap((name) => (typeof m.values[name] === 'number' ? [{ series: name, step: m.step, value: m.values[name] as number }] : [])));
}

function RunFacts({ run: r }: { run: RunDetail }) {
  const model = (r.config as { model?: { arch?: string } }).model;
  return (
    <dl class="facts">
      <dt>Status</dt>
      <dd>
        <StatusTag status={r.status} /> step {r.step} / {r.totalSteps}
        {r.error && <span class="bad-text"> · {r.error}</span>}
      </dd>
      <dt>Sweep</dt>
      <dd>{r.sweepId ? <a href={`${BASE}/sweeps/${r.sweepId}`}>{r.sweepId.slice(0, 8)}</a> : 'none (a lone run)'}</dd>
      <dt>Detector</dt>
      <dd class="mono">{model?.arch ?? '–'}</dd>
      <dt>Params</dt>
      <dd class="mono">{Object.entries(r.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ') || '–'}</dd>
      <dt>Seed</dt>
      <dd>{r.seed}</dd>
      <dt>Backend</dt>
      <dd>
        {r.backend ?? '–'} {r.device ? `(${r.device})` : ''}
      </dd>
      <dt>Worker</dt>
      <dd class="mono small">{r.worker ? `${r.worker.host}:${r.worker.pid}` : '–'}</dd>
      <dt>Time</dt>
      <dd>
        started {when(r.timings.startedAt)} · {duration(r.timings.wallSeconds)} wall{r.imagesPerSecond ? ` · ${r.imagesPerSecond.toFixed(1)} images/s` : ''}
      </dd>
      <dt>Code</dt>
      <dd class="small">
        {r.reproducibility ? (
          <span>
            {r.reproducibility.git ? (
              <span class="mono">
                {r.reproducibility.git.commit.slice(0, 10)}
                {r.reproducibility.git.dirty ? ' (uncommitted changes)' : ''}
              </span>
            ) : (
              'not a git checkout'
            )}{' '}
            · Ablate {r.reproducibility.ablateVersion} · TensorFlow.js {r.reproducibility.tfjsVersion} · Node {r.reproducibility.nodeVersion}
          </span>
        ) : (
          '–'
        )}
      </dd>
      <dt>Data</dt>
      <dd class="small mono">
        {r.reproducibility
          ? (['train', 'val'] as const).map((split) => (
              <div key={split}>
                {split} {r.reproducibility!.datasets[split].uri} · sha256 {r.reproducibility!.datasets[split].sha256?.slice(0, 16) ?? 'unreadable'}
              </div>
            ))
          : '–'}
      </dd>
      <dt>Attempts</dt>
      <dd>
        <table class="grid small" aria-label="Attempts">
          <thead>
            <tr>
              <th>#</th>
              <th>status</th>
              <th>worker</th>
              <th>backend</th>
              <th>steps</th>
              <th>error</th>
            </tr>
          </thead>
          <tbody>
            {r.attemptHistory.map((a) => (
              <tr key={a.attempt}>
                <td>{a.attempt}</td>
                <td>
                  <StatusTag status={a.status} />
                </td>
                <td class="mono">
                  {a.worker.host}:{a.worker.pid}
                </td>
                <td>
                  {a.backend} ({a.device})
                </td>
                <td>
                  {a.startStep} → {a.endStep ?? '…'}
                </td>
                <td class="bad-text">{a.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </dd>
    </dl>
  );
}

function ApCurve({ run: r }: { run: RunDetail }) {
  const points = r.evaluations
    .filter((e) => e.status === 'completed')
    .flatMap((e) => AP_STATS.flatMap((s) => (typeof e[s] === 'number' && (e[s] as number) >= 0 ? [{ series: s, step: e.step, value: e[s] as number }] : [])));
  if (points.length === 0) return <p class="muted">No completed evaluations yet: AP against step needs train.evalEvery (or evaluations requested below).</p>;
  return <PlotView label="AP against step" options={curves(points, 'AP', { percent: true })} deps={[points.length]} />;
}

interface PrCurves {
  recallThresholds: number[];
  categories: { categoryId: number; precisionAt50: number[]; precisionAt75: number[] }[];
}

function isPrCurves(v: unknown): v is PrCurves {
  return typeof v === 'object' && v !== null && Array.isArray((v as PrCurves).recallThresholds) && Array.isArray((v as PrCurves).categories);
}

/** The final evaluation: its stats, PR curves per class at IoU .5 and .75, per-class AP. */
function FinalEvaluation({ evaluation: e, names: known }: { evaluation: Evaluation; names: Map<number, string> }) {
  const names = new Map((e.perClass ?? []).map((c) => [c.categoryId, c.name ?? known.get(c.categoryId) ?? `class ${c.categoryId}`]));
  const pr = isPrCurves(e.prCurves) ? e.prCurves : null;
  const prPoints = (key: 'precisionAt50' | 'precisionAt75') =>
    (pr?.categories ?? []).flatMap((c) => c[key].flatMap((precision, i) => (precision >= 0 ? [{ series: names.get(c.categoryId) ?? `class ${c.categoryId}`, recall: pr!.recallThresholds[i]!, precision }] : [])));
  return (
    <Section title={`Final evaluation (step ${e.step}, ${e.dataset})`}>
      <table class="grid stats" aria-label="COCO stats">
        <thead>
          <tr>
            {['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100'].map((k) => (
              <th key={k}>{k}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100'].map((k) => (
              <td key={k}>{pct(e[k] as number | null)}</td>
            ))}
          </tr>
          {e.segm && (
            <tr>
              {['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR10', 'AR100'].map((k) => (
                <td key={k}>mask {pct(e.segm![k] as number | null)}</td>
              ))}
            </tr>
          )}
        </tbody>
      </table>
      {pr && (
        <div class="two">
          <PlotView label="PR curve IoU 0.5" options={{ ...prChart(prPoints('precisionAt50')), title: 'IoU 0.5' }} deps={[e.id]} />
          <PlotView label="PR curve IoU 0.75" options={{ ...prChart(prPoints('precisionAt75')), title: 'IoU 0.75' }} deps={[e.id]} />
        </div>
      )}
      {e.perClass && (
        <table class="grid small" aria-label="Per-class AP">
          <thead>
            <tr>
              <th>class</th>
              <th>id</th>
              <th>AP</th>
              {e.segm?.perClass && <th>mask AP</th>}
            </tr>
          </thead>
          <tbody>
            {e.perClass.map((c) => (
              <tr key={c.categoryId}>
                <td>{names.get(c.categoryId)}</td>
                <td>{c.categoryId}</td>
                <td>{pct(c.ap)}</td>
                {e.segm?.perClass && <td>{pct(e.segm.perClass.find((m) => m.categoryId === c.categoryId)?.ap)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}

/** Every evaluation of the run, and a form to request one of a checkpoint. */
function Evaluations({ run: r, onRequested }: { run: RunDetail; onRequested(): void }) {
  const [step, setStep] = useState('');
  const [dataset, setDataset] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const request = async (event: Event) => {
    event.preventDefault();
    try {
      const body = { runId: r.id, ...(dataset ? { dataset } : {}), ...(step ? { step: Number(step) } : {}) };
      const e = await call(routes.requestEvaluation, { body });
      setMessage(`Evaluation ${e.id.slice(0, 8)} of step ${e.step}: ${e.status}`);
      onRequested();
    } catch (err) {
      setMessage((err as Error).message);
    }
  };
  return (
    <Section title="Evaluations">
      <table class="grid small" aria-label="Evaluations">
        <thead>
          <tr>
            <th>step</th>
            <th>dataset</th>
            <th>status</th>
            <th>AP</th>
            <th>AP50</th>
            <th>mask AP</th>
          </tr>
        </thead>
        <tbody>
          {r.evaluations.map((e) => (
            <tr key={e.id}>
              <td>{e.step}</td>
              <td class="mono">{e.dataset}</td>
              <td>
                <StatusTag status={e.status} />
              </td>
              <td>{pct(e.AP)}</td>
              <td>{pct(e.AP50)}</td>
              <td>{pct(e.segm?.AP as number | undefined)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="filters" onSubmit={request} aria-label="Request an evaluation">
        <label>
          Checkpoint step <input value={step} onInput={(e) => setStep((e.target as HTMLInputElement).value)} placeholder="newest" size={8} />
        </label>
        <label>
          Dataset <input value={dataset} onInput={(e) => setDataset((e.target as HTMLInputElement).value)} placeholder="the run's val split" size={30} />
        </label>
        <button type="submit">Evaluate</button>
        {message && <span class="muted">{message}</span>}
      </form>
    </Section>
  );
}

/** The run's kept checkpoints, each with a button to evaluate it. */
function Checkpoints({ runId, onRequested }: { runId: string; onRequested(): void }) {
  const list = useLoad(`checkpoints:${runId}`, () => call(routes.runCheckpoints, { params: { id: runId } }));
  const [message, setMessage] = useState<string | null>(null);
  const evaluate = async (step: number) => {
    try {
      const e = await call(routes.requestEvaluation, { body: { runId, step } });
      setMessage(`Evaluation of step ${e.step}: ${e.status}`);
      onRequested();
    } catch (err) {
      setMessage((err as Error).message);
    }
  };
  return (
    <Section title="Checkpoints">
      {list.error && <Failure error={list.error} />}
      {list.data && list.data.length === 0 && <p class="muted">None kept.</p>}
      {list.data && list.data.length > 0 && (
        <table class="grid small" aria-label="Checkpoints">
          <thead>
            <tr>
              <th>step</th>
              <th>size</th>
              <th>written</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((c) => (
              <tr key={c.step}>
                <td>{c.step}</td>
                <td>{(c.bytes / 2 ** 20).toFixed(2)} MB</td>
                <td>{when(c.createdAt)}</td>
                <td>
                  <button onClick={() => evaluate(c.step)}>Evaluate</button>{' '}
                  <a href={urlOf(routes.runCheckpoint, { params: { id: runId }, query: { step: c.step } })} download>
                    download
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {message && <p class="muted">{message}</p>}
    </Section>
  );
}
