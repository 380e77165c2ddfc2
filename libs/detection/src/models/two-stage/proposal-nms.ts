import { packWithArea } from '../../boxes';
import { batchedNms, descendingOrder } from '../../postprocess';
import type { BoxArray } from '../../structures';

/** Cells per side of a class's grid at most (a class of huge boxes gets coarser cells). */
const MAX_GRID_SIDE = 128;

/**
 * `batchedNms` (greedy NMS within each class, torchvision's rule, order and ties) with the same
 * result, for the RPN's thousands of proposals per image: a candidate is compared only with the
 * kept boxes of its class whose centre is near enough to suppress it, found in a grid of centres.
 * `batchedNms` compares each candidate with every kept box of its class: 2,000 proposals per
 * image (an untrained RPN keeps nearly all) were 2M IoUs an image, 73 ms a batch of 8.
 *
 * Why "near enough" is exact: IoU(a, b) > t needs intersection > t·area_a and > t·area_b, and the
 * intersection's width iw ≤ min(w_a, w_b), so iw > t·w_a and iw > t·w_b (hence w_b < w_a / t);
 * the centres are then |Δx| ≤ (w_a + w_b)/2 − iw < (w_a + w_b)/2 − t·max(w_a, w_b), at most
 * w_a·(1 − t) for t ≥ 0.5 and w_a·(1 − t)/(2t) below; the same for y with heights. The radius
 * searched has a margin for rounding; whether some kept box suppresses a candidate does not
 * depend on the order they are tried in. Cells are about the radius of a mean box; a class with
 * a non-finite coordinate, or t ≤ 0, goes to `batchedNms`.
 */
export function gridBatchedNms(boxes: BoxArray, scores: ArrayLike<number>, classes: ArrayLike<number>, iouThreshold: number, maxOutput = Infinity): Int32Array {
  const n = scores.length;
  if (boxes.length !== 4 * n || classes.length !== n || !(iouThreshold > 0)) return batchedNms(boxes, scores, classes, iouThreshold, maxOutput);
  for (let k = 0; k < boxes.length; k++) if (!Number.isFinite(boxes[k])) return batchedNms(boxes, scores, classes, iouThreshold, maxOutput);
  const t = iouThreshold;
  // Centre distance per unit of the candidate's side below which a box can suppress it (see above), with a margin.
  const reach = (1 - t) * Math.max(1, 1 / (2 * t)) * (1 + 1e-6) + 1e-9;
  const packed = packWithArea(boxes);
  const grids = classGrids(packed, classes, reach);
  const order = descendingOrder(scores);
  // Kept boxes per cell of their centre as linked lists: head[cell] → entry, next[entry], box[entry] (a packed row offset).
  const head = new Int32Array(grids.totalCells).fill(-1);
  const next = new Int32Array(n);
  const box = new Int32Array(n);
  let entries = 0;
  const keep: number[] = [];
  for (let r = 0; r < n && keep.length < maxOutput; r++) {
    const i = order[r]!;
    const g = grids.byClass.get(classes[i]!)!;
    const p = 5 * i;
    const x1 = packed[p]!;
    const y1 = packed[p + 1]!;
    const x2 = packed[p + 2]!;
    const y2 = packed[p + 3]!;
    const area = packed[p + 4]!;
    const cx = (x1 + x2) / 2;
    const cy = (y1 + y2) / 2;
    const rx = (x2 - x1) * reach + 1e-9;
    const ry = (y2 - y1) * reach + 1e-9;
    let suppressed = false;
    if (rx > 0 && ry > 0) {
      const cx0 = g.cell(cx - rx, g.x0);
      const cx1 = g.cell(cx + rx, g.x0);
      const cy1 = g.cell(cy + ry, g.y0);
      for (let gy = g.cell(cy - ry, g.y0); gy <= cy1 && !suppressed; gy++) {
        for (let gx = cx0; gx <= cx1 && !suppressed; gx++) {
          for (let e = head[g.offset + gy * g.side + gx]!; e >= 0; e = next[e]!) {
            const q = box[e]!;
            // The IoU of greedyNms (postprocess/nms.ts), term for term, so that ties at the threshold agree.
            const iw = Math.min(x2, packed[q + 2]!) - Math.max(x1, packed[q]!);
            const ih = Math.min(y2, packed[q + 3]!) - Math.max(y1, packed[q + 1]!);
            if (iw > 0 && ih > 0) {
              const inter = iw * ih;
              if (inter / (area + packed[q + 4]! - inter) > t) {
                suppressed = true;
                break;
              }
            }
          }
        }
      }
    }
    if (suppressed) continue;
    keep.push(i);
    const c = g.offset + g.cell(cy, g.y0) * g.side + g.cell(cx, g.x0);
    box[entries] = p;
    next[entries] = head[c]!;
    head[c] = entries++;
  }
  return Int32Array.from(keep);
}

interface Grid {
  x0: number;
  y0: number;
  side: number;
  /** First cell of this grid in the shared cell array. */
  offset: number;
  /** Cell of coordinate v along an axis starting at `start`, clamped to the grid. */
  cell(v: number, start: number): number;
}

/** One grid of box centres per class over the extent of its boxes, cells about `reach` times the mean box side. */
function classGrids(packed: Float64Array, classes: ArrayLike<number>, reach: number): { byClass: Map<number, Grid>; totalCells: number } {
  const extent = new Map<number, { x0: number; y0: number; x1: number; y1: number; sides: number; count: number }>();
  for (let i = 0; i < classes.length; i++) {
    const cx = (packed[5 * i]! + packed[5 * i + 2]!) / 2;
    const cy = (packed[5 * i + 1]! + packed[5 * i + 3]!) / 2;
    const side = Math.max(packed[5 * i + 2]! - packed[5 * i]!, packed[5 * i + 3]! - packed[5 * i + 1]!, 0);
    const e = extent.get(classes[i]!);
    if (e === undefined) {
      extent.set(classes[i]!, { x0: cx, y0: cy, x1: cx, y1: cy, sides: side, count: 1 });
      continue;
    }
    e.x0 = Math.min(e.x0, cx);
    e.y0 = Math.min(e.y0, cy);
    e.x1 = Math.max(e.x1, cx);
    e.y1 = Math.max(e.y1, cy);
    e.sides += side;
    e.count++;
  }
  const byClass = new Map<number, Grid>();
  let totalCells = 0;
  for (const [c, e] of extent) {
    const span = Math.max(e.x1 - e.x0, e.y1 - e.y0);
    const cellSize = Math.max((reach * e.sides) / e.count, span / MAX_GRID_SIDE, 1e-9);
    const side = Math.min(MAX_GRID_SIDE, Math.floor(span / cellSize) + 1);
    const cell = (v: number, start: number): number => Math.min(side - 1, Math.max(0, Math.floor((v - start) / cellSize)));
    byClass.set(c, { x0: e.x0, y0: e.y0, side, offset: totalCells, cell });
    totalCells += side * side;
  }
  return { byClass, totalCells };
}
