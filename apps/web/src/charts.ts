import * as Plot from '@observablehq/plot';
import type { AblationTable } from '@ablate/contract';

/**
 * The console's charts as Observable Plot options: each function takes plain rows and returns
 * what PlotView draws, so a page says what it shows and this file how.
 */

const WIDTH = 720;

/** A point of a curve: its series (the colour), its line (a run: several runs may share a colour), a step and a value. */
export interface CurvePoint {
  series: string;
  line?: string;
  step: number;
  value: number;
}

/** Curves against step, one line per series, with a legend. */
export function curves(points: CurvePoint[], y: string, options: { percent?: boolean; logY?: boolean } = {}): Plot.PlotOptions {
  return {
    width: WIDTH,
    height: 260,
    grid: true,
    marginLeft: 56,
    // Training starts at step 0: a curve of one evaluation still sits where it belongs.
    x: { label: 'step', zero: true },
    y: { label: options.percent ? `${y} (%)` : y, type: options.logY ? 'log' : 'linear', percent: options.percent },
    color: { legend: true, type: 'categorical' },
    marks: [
      Plot.lineY(points, { x: 'step', y: 'value', stroke: 'series', z: (p: CurvePoint) => p.line ?? p.series, tip: true }),
      Plot.dot(points, { x: 'step', y: 'value', stroke: 'series', r: 1.5 }),
    ],
  };
}

/** One bar or dot of a pivot: a row value, a column value, the mean and std of the metric. */
export interface PivotPoint {
  row: string;
  col: string;
  mean: number;
  std: number;
}

/** The pivot as dots with ±std error bars: a panel per row value, a dot per column value. */
export function pivotChart(points: PivotPoint[], rowLabel: string, colLabel: string, metric: string): Plot.PlotOptions {
  return {
    width: WIDTH,
    height: 280,
    grid: true,
    marginBottom: 40,
    fx: { label: rowLabel },
    x: { label: colLabel, type: 'band', padding: 0.4 },
    y: { label: `${metric} (%)`, percent: true, zero: true },
    color: { legend: true, label: colLabel, type: 'categorical' },
    marks: [
      Plot.ruleX(points, { fx: 'row', x: 'col', y1: (p: PivotPoint) => p.mean - p.std, y2: (p: PivotPoint) => p.mean + p.std, stroke: 'col', strokeWidth: 2 }),
      Plot.dot(points, { fx: 'row', x: 'col', y: 'mean', fill: 'col', r: 4, tip: true }),
      Plot.frame({ strokeOpacity: 0.15 }),
    ],
  };
}

/** The pivot points of an ablation table in pivot mode (cells without a mean are left out). */
export function pivotPoints(table: AblationTable): PivotPoint[] {
  const out: PivotPoint[] = [];
  for (const entry of table.entries) {
    const row = table.rows.map((r) => JSON.stringify(entry.key[r])).join(' · ');
    for (const [col, cell] of Object.entries(entry.cells)) {
      if (cell.mean !== null) out.push({ row, col, mean: cell.mean, std: cell.std ?? 0 });
    }
  }
  return out;
}

/** A run's value of a metric beside the value of a varied parameter. */
export interface ParamPoint {
  param: string;
  value: string;
  metric: number;
  run: string;
}

/** One varied parameter against a metric, a dot per run (one chart per parameter: their values differ). */
export function paramScatter(points: ParamPoint[], param: string, metric: string): Plot.PlotOptions {
  return {
    width: 340,
    height: 220,
    grid: true,
    marginBottom: 40,
    x: { label: param, type: 'point', padding: 0.5 },
    y: { label: `${metric} (%)`, percent: true },
    marks: [Plot.dot(points, { x: 'value', y: 'metric', stroke: 'steelblue', tip: true, title: 'run' }), Plot.frame({ strokeOpacity: 0.2 })],
  };
}

/** Precision against recall, one line per class (or IoU threshold). */
export function prChart(points: { series: string; recall: number; precision: number }[]): Plot.PlotOptions {
  return {
    width: WIDTH / 2 + 80,
    height: 280,
    grid: true,
    x: { label: 'recall', domain: [0, 1] },
    y: { label: 'precision', domain: [0, 1] },
    color: { legend: true, type: 'categorical' },
    marks: [Plot.line(points, { x: 'recall', y: 'precision', stroke: 'series', tip: true })],
  };
}

/** Per-class AP as horizontal bars, several runs side by side. */
export function classApChart(points: { cls: string; run: string; ap: number }[]): Plot.PlotOptions {
  return {
    width: WIDTH,
    height: Math.max(160, 26 * new Set(points.map((p) => p.cls)).size * Math.max(1, new Set(points.map((p) => p.run)).size) + 40),
    marginLeft: 110,
    x: { label: 'AP (%)', percent: true, grid: true },
    y: { label: null },
    fy: { label: null },
    color: { legend: true, type: 'categorical' },
    marks: [Plot.barX(points, { x: 'ap', y: 'run', fy: 'cls', fill: 'run', tip: true }), Plot.ruleX([0])],
  };
}
