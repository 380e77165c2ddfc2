import { routes, type ImageAnnotations } from '@ablate/contract';
import { useState } from 'preact/hooks';
import { call } from '../api';
import { mapConcurrent } from '../concurrent';
import { confusionMatrix } from '../confusion';
import { useLoad } from '../hooks';
import { Failure } from './layout';

/** Images whose annotations the matrix reads (one request each). */
const MAX_IMAGES = 200;

async function annotationsOf(runId: string): Promise<{ images: ImageAnnotations[]; total: number }> {
  const list = await call(routes.runImages, { params: { id: runId }, query: { limit: MAX_IMAGES } });
  const images = await mapConcurrent(list.images, 4, (im) => call(routes.runImageAnnotations, { params: { id: runId, imageId: im.id } }));
  return { images, total: list.total };
}

/** The confusion matrix of the final detections on the validation images, at a chosen score threshold. */
export function ConfusionView({ runId, names }: { runId: string; names: Map<number, string> }) {
  const [threshold, setThreshold] = useState(0.3);
  const data = useLoad(`confusion:${runId}`, () => annotationsOf(runId));
  if (data.error) return <Failure error={data.error} />;
  if (!data.data) return <p class="muted">Reading the annotations of up to {MAX_IMAGES} images…</p>;
  const classes = [...names.keys()].sort((a, b) => a - b);
  const { counts } = confusionMatrix(data.data.images, classes, threshold);
  const max = Math.max(1, ...counts.flat());
  const label = (i: number, end: string) => (i < classes.length ? (names.get(classes[i]!) ?? String(classes[i])) : end);
  return (
    <div>
      <label>
        Score ≥ <input type="range" min={0} max={1} step={0.05} value={threshold} onInput={(e) => setThreshold(Number((e.target as HTMLInputElement).value))} aria-label="Confusion score threshold" />{' '}
        <span class="mono">{threshold.toFixed(2)}</span>{' '}
        <span class="muted small">
          IoU ≥ 0.5; {data.data.images.length} of {data.data.total} images
        </span>
      </label>
      <table class="grid confusion" aria-label="Confusion matrix">
        <thead>
          <tr>
            <th>true \ predicted</th>
            {counts[0]!.map((_, j) => (
              <th key={j}>{label(j, 'missed')}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {counts.map((row, i) => (
            <tr key={i}>
              <th>{label(i, 'background')}</th>
              {row.map((n, j) => (
                <td key={j} style={{ background: `rgba(37, 99, 235, ${(0.6 * n) / max})` }} class={i === j ? 'diagonal' : ''}>
                  {n || ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
