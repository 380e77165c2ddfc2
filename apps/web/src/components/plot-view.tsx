import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'preact/hooks';

/**
 * An Observable Plot chart: SVG, so every mark is an element a test can count and a researcher can
 * save. `options` is Plot's own; the chart is redrawn when `deps` change.
 */
export function PlotView({ options, label, deps }: { options: Plot.PlotOptions; label: string; deps: unknown[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const figure = Plot.plot({ style: { fontSize: '12px', background: 'transparent' }, ...options });
    figure.setAttribute('aria-label', label);
    ref.current?.replaceChildren(figure);
    return () => figure.remove();
    // deps name what the chart shows; options is rebuilt on every render.
  }, deps);
  return <div class="chart" ref={ref} data-chart={label} />;
}
