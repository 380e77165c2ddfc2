import { packWithArea } from '../../boxes';
import { batchedNms, descendingOrder } from '../../postprocess';
import type { BoxArray } from '../../structures';

/** Cells per side of a class's grid at most (a class of huge boxes gets coarser cells). */
const MAX_GRID_SIDE = 64;

/**
 * `batchedNms` (greedy NMS within each class, torchvision's rule, order and ties) with the same
 * result, for the RPN's thousands of proposals per image: a candidate is compared only with the
 * kept boxes of its class that share a grid cell with it, not with all of them. Suppression needs
 * IoU > threshold ≥ 0, so a positive-area intersection, which lies in a cell both boxes touch;
 * whether some kept box suppresses a candidate does not depend on the order they are tried in.
 * `batchedNms` compares each candidate with every kept box of its class: 2,000 proposals per
 * image (an untrained RPN keeps nearly all) were 2M IoUs an image, 73 ms a batch of 8.
 *
 * Each class's grid spans its boxes with cells of the mean box side (at most MAX_GRID_SIDE per
 * side); a kept box is listed in every cell it touches. Falls back to `batchedNms` when a
 * coordinate is not finite.
 */
export function gridBatchedNms(boxes: BoxArray, scores: ArrayLike<number>, classes: ArrayLike<number>, iouThreshold: number, maxOutput = Infinity): Int32Array {
  const n = scores.length;
  if (boxes.length !== 4 * n || classes.length !== n || !(iouThreshold >= 0)) return batchedNms(boxes, scores, classes, iouThreshold, maxOutput);
  for (let k = 0; k < boxes.length; k++) if (!Number.isFinite(boxes[k])) return batchedNms(boxes, scores, classes, iouThreshold, maxOutput);
  const grids = classGrids(boxes, classes);
  const order = descendingOrder(scores);
  const packed = packWithArea(boxes);
  // Kept boxes per cell as linked lists: head[cell] → entry, next[entry], box[entry] (a packed row offset).
  const head = new Int32Array(grids.totalCells).fill(-1);
  let next = new Int32Array(Math.max(16, 4 * n));
  let box = new Int32Array(next.length);
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
    const cx0 = g.cell(x1, g.x0);
    const cx1 = g.cell(x2, g.x0);
    const cy0 = g.cell(y1, g.y0);
    const cy1 = g.cell(y2, g.y0);
    let suppressed = false;
    for (let cy = cy0; cy <= cy1 && !suppressed; cy++) {
      for (let cx = cx0; cx <= cx1 && !suppressed; cx++) {
        for (let e = head[g.offset + cy * g.side + cx]!; e >= 0; e = next[e]!) {
          const q = box[e]!;
          // The IoU of greedyNms (postprocess/nms.ts), term for term, so that ties at the threshold agree.
          const iw = Math.min(x2, packed[q + 2]!) - Math.max(x1, packed[q]!);
          const ih = Math.min(y2, packed[q + 3]!) - Math.max(y1, packed[q + 1]!);
          if (iw > 0 && ih > 0) {
            const inter = iw * ih;
            if (inter / (area + packed[q + 4]! - inter) > iouThreshold) {
              suppressed = true;
              break;
            }
          }
        }
      }
    }
    if (suppressed) continue;
    keep.push(i);
    const cells = (cy1 - cy0 + 1) * (cx1 - cx0 + 1);
    if (entries + cells > next.length) {
      const size = Math.max(2 * next.length, entries + cells);
      next = grow(next, size);
      box = grow(box, size);
    }
    for (let cy = cy0; cy <= cy1; cy++) {
      for (let cx = cx0; cx <= cx1; cx++) {
        const c = g.offset + cy * g.side + cx;
        box[entries] = p;
        next[entries] = head[c]!;
        head[c] = entries++;
      }
    }
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

/** One grid per class over the extent of its boxes, cells about the mean box side. */
function classGrids(boxes: BoxArray, classes: ArrayLike<number>): { byClass: Map<number, Grid>; totalCells: number } {
  const extent = new Map<number, { x0: number; y0: number; x1: number; y1: number; sides: number; count: number }>();
  for (let i = 0; i < classes.length; i++) {
    const x0 = boxes[4 * i]!;
    const y0 = boxes[4 * i + 1]!;
    const x1 = boxes[4 * i + 2]!;
    const y1 = boxes[4 * i + 3]!;
    const e = extent.get(classes[i]!);
    const side = Math.max(x1 - x0, y1 - y0, 0);
    if (e === undefined) {
      extent.set(classes[i]!, { x0: Math.min(x0, x1), y0: Math.min(y0, y1), x1: Math.max(x0, x1), y1: Math.max(y0, y1), sides: side, count: 1 });
      continue;
    }
    e.x0 = Math.min(e.x0, x0, x1);
    e.y0 = Math.min(e.y0, y0, y1);
    e.x1 = Math.max(e.x1, x0, x1);
    e.y1 = Math.max(e.y1, y0, y1);
    e.sides += side;
    e.count++;
  }
  const byClass = new Map<number, Grid>();
  let totalCells = 0;
  for (const [c, e] of extent) {
    const span = Math.max(e.x1 - e.x0, e.y1 - e.y0);
    const side = span > 0 ? Math.min(MAX_GRID_SIDE, Math.max(1, Math.ceil(span / Math.max(e.sides / e.count, 1e-9)))) : 1;
    const size = span > 0 ? span / side : 1;
    const cell = (v: number, start: number): number => Math.min(side - 1, Math.max(0, Math.floor((v - start) / size)));
    byClass.set(c, { x0: e.x0, y0: e.y0, side, offset: totalCells, cell });
    totalCells += side * side;
  }
  return { byClass, totalCells };
}

function grow(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
