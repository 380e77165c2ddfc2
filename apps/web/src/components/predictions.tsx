import { routes, type ImageAnnotations } from '@ablate/contract';
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, urlOf } from '../api';
import { useLoad } from '../hooks';
import { rleToMask } from '../rle';
import { Failure, Section } from './layout';

const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#808000', '#000075'];
const colourOf = (categoryId: number) => PALETTE[categoryId % PALETTE.length]!;

/**
 * The final evaluation's detections drawn on the validation images beside the ground truth: boxes
 * as SVG over the image (each detection a `rect.detection`), masks on a canvas beneath, a score
 * threshold slider, and paging through the images.
 */
export function Predictions({ runId, names }: { runId: string; names: Map<number, string> }) {
  const [offset, setOffset] = useState(0);
  const [threshold, setThreshold] = useState(0.3);
  const list = useLoad(`images:${runId}:${offset}`, () => call(routes.runImages, { params: { id: runId }, query: { limit: 12, offset } }));
  const [imageId, setImageId] = useState<number | null>(null);
  const current = imageId ?? list.data?.images[0]?.id ?? null;
  if (list.error) return <Section title="Predictions"><Failure error={list.error} /></Section>;
  if (!list.data) return <Section title="Predictions"><p class="muted">Loading images…</p></Section>;
  const { images, total } = list.data;
  return (
    <Section title={`Predictions (step ${list.data.step}, ${list.data.dataset})`} id="predictions">
      <div class="filters">
        <label>
          Score ≥ <input type="range" min={0} max={1} step={0.05} value={threshold} onInput={(e) => setThreshold(Number((e.target as HTMLInputElement).value))} aria-label="Score threshold" />{' '}
          <span class="mono">{threshold.toFixed(2)}</span>
        </label>
        <span class="muted">
          images {offset + 1}–{Math.min(offset + images.length, total)} of {total}
        </span>
        <button disabled={offset === 0} onClick={() => (setOffset(Math.max(0, offset - 12)), setImageId(null))}>
          ← previous
        </button>
        <button disabled={offset + images.length >= total} onClick={() => (setOffset(offset + 12), setImageId(null))}>
          next →
        </button>
      </div>
      <div class="thumbs">
        {images.map((im) => (
          <button key={im.id} class={`thumb${im.id === current ? ' on' : ''}`} onClick={() => setImageId(im.id)} title={`${im.fileName}: ${im.groundTruthBoxes} objects, ${im.detections} detections`}>
            #{im.id} <span class="muted small">{im.groundTruthBoxes} gt · {im.detections} det</span>
          </button>
        ))}
      </div>
      {current !== null && <AnnotatedImage runId={runId} imageId={current} threshold={threshold} names={names} />}
    </Section>
  );
}

function AnnotatedImage({ runId, imageId, threshold, names }: { runId: string; imageId: number; threshold: number; names: Map<number, string> }) {
  const annotations = useLoad(`annotations:${runId}:${imageId}`, () => call(routes.runImageAnnotations, { params: { id: runId, imageId } }));
  if (annotations.error) return <Failure error={annotations.error} />;
  if (!annotations.data) return <p class="muted">Loading…</p>;
  const a = annotations.data;
  const kept = a.detections.filter((d) => d.score >= threshold);
  const src = urlOf(routes.runImage, { params: { id: runId, imageId } });
  return (
    <div class="two">
      <figure class="annotated" aria-label="Predictions">
        <figcaption>
          Predictions: <span class="mono">{kept.length}</span> of {a.detections.length} with score ≥ {threshold.toFixed(2)}
        </figcaption>
        <Overlay src={src} width={a.image.width} height={a.image.height} masks={kept.flatMap((d) => (d.segmentation ? [{ rle: d.segmentation, categoryId: d.category_id }] : []))}>
          {kept.map((d, i) => (
            <Box key={i} kind="detection" bbox={d.bbox} categoryId={d.category_id} label={`${names.get(d.category_id) ?? d.category_id} ${d.score.toFixed(2)}`} />
          ))}
        </Overlay>
      </figure>
      <figure class="annotated" aria-label="Ground truth">
        <figcaption>Ground truth: {a.groundTruth.length} objects</figcaption>
        <Overlay src={src} width={a.image.width} height={a.image.height} masks={a.groundTruth.flatMap((g) => (g.segmentation ? [{ rle: g.segmentation, categoryId: g.category_id }] : []))}>
          {a.groundTruth.map((g, i) => (
            <Box key={i} kind="truth" bbox={g.bbox} categoryId={g.category_id} label={names.get(g.category_id) ?? String(g.category_id)} />
          ))}
        </Overlay>
      </figure>
    </div>
  );
}

/** The image scaled to at least 320 px, its masks on a canvas and its boxes in an SVG on top (labels sized for ~64 px images, the synthetic sets'). */
function Overlay({ src, width, height, masks, children }: { src: string; width: number; height: number; masks: { rle: ImageAnnotations['groundTruth'][number]['segmentation'] & object; categoryId: number }[]; children: preact.ComponentChildren }) {
  const scale = Math.max(1, Math.ceil(320 / Math.max(width, height)));
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, width, height);
    const pixels = ctx.createImageData(width, height);
    for (const { rle, categoryId } of masks) {
      const mask = rleToMask(rle);
      const [r, g, b] = hexRgb(colourOf(categoryId));
      mask.forEach((on, i) => {
        if (!on) return;
        pixels.data.set([r, g, b, 110], i * 4);
      });
    }
    ctx.putImageData(pixels, 0, 0);
  }, [masks, width, height]);
  const style = { width: width * scale, height: height * scale };
  return (
    <div class="overlay" style={style}>
      <img src={src} width={width * scale} height={height * scale} alt="" style={{ imageRendering: 'pixelated' }} />
      <canvas ref={canvas} width={width} height={height} style={style} />
      <svg viewBox={`0 0 ${width} ${height}`} style={style}>
        {children}
      </svg>
    </div>
  );
}

function Box({ bbox: [x, y, w, h], categoryId, label, kind }: { bbox: [number, number, number, number]; categoryId: number; label: string; kind: 'detection' | 'truth' }) {
  const colour = colourOf(categoryId);
  return (
    <g>
      <rect class={kind} x={x} y={y} width={w} height={h} fill="none" stroke={colour} stroke-width={1} stroke-dasharray={kind === 'truth' ? '3 2' : undefined} vector-effect="non-scaling-stroke" />
      <text x={x + 0.5} y={y + 3.5} font-size={3.2} fill={colour} stroke="white" stroke-width={0.25} paint-order="stroke">
        {label}
      </text>
    </g>
  );
}

function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
