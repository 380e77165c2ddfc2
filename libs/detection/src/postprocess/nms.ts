import { packWithArea } from '../boxes';
import type { BoxArray } from '../structures';
import { descendingOrder } from './score-order';

/**
 * Greedy non-maximum suppression, exactly as torchvision's `nms`: visit boxes by descending
 * score; keep a box unless a kept box has IoU > `iouThreshold` with it (strictly greater: a pair
 * at exactly the threshold survives). Equal scores are visited in ascending index.
 *
 * @param boxes - N boxes, flat 4·N, XYXY.
 * @param scores - N scores.
 * @param iouThreshold - in [0, 1].
 * @param maxOutput - stop after this many kept boxes (the first ones are the same). @defaultValue Infinity
 * @returns indices of the kept boxes, in descending score order.
 */
export function nms(boxes: BoxArray, scores: ArrayLike<number>, iouThreshold: number, maxOutput = Infinity): Int32Array {
  return greedyNms(boxes, scores, null, iouThreshold, maxOutput, 'nms');
}

/**
 * NMS within each class independently (torchvision's `batched_nms`): boxes of different classes
 * never suppress each other. Same greedy rule, order and tie order as {@link nms}.
 *
 * @param classes - N class indices (any integers).
 * @returns indices of the kept boxes of all classes, in descending score order.
 *
 * Speed: one sort of all N boxes, then each box is compared only with the kept boxes of its own
 * class (grouping instead of torchvision's coordinate-offset trick, which needs no grouping on a
 * GPU but on a CPU would still compare across classes). 10k boxes over 80 classes: see
 * `npm run bench:ops`.
 */
export function batchedNms(
  boxes: BoxArray,
  scores: ArrayLike<number>,
  classes: ArrayLike<number>,
  iouThreshold: number,
  maxOutput = Infinity,
): Int32Array {
  return greedyNms(boxes, scores, classes, iouThreshold, maxOutput, 'batchedNms');
}

function greedyNms(
  boxes: BoxArray,
  scores: ArrayLike<number>,
  classes: ArrayLike<number> | null,
  iouThreshold: number,
  maxOutput: number,
  where: string,
): Int32Array {
  const n = scores.length;
  if (boxes.length !== 4 * n) throw new RangeError(`${where}: ${boxes.length / 4} boxes but ${n} scores`);
  if (classes && classes.length !== n) throw new RangeError(`${where}: ${n} boxes but ${classes.length} classes`);
  if (!(iouThreshold >= 0)) throw new RangeError(`${where}: iouThreshold must be ≥ 0, got ${iouThreshold}`);
  const order = descendingOrder(scores);
  const packed = packWithArea(boxes);
  // A box is kept iff no kept box of its class, all of which score higher, overlaps it > threshold:
  // the same set torchvision's "keep i, suppress all later j" loop produces. Each class's kept
  // boxes are copied into its own contiguous region of `kept` (regions sized by class counts), so
  // a candidate is compared only with its own class, reading consecutive memory.
  const { dense, offsets } = groupByClass(classes, n);
  const kept = new Float64Array(5 * n);
  const keptLength = new Int32Array(offsets.length); // boxes kept so far per class
  const keep: number[] = [];
  for (let r = 0; r < n && keep.length < maxOutput; r++) {
    const i = order[r];
    const c = dense[i];
    const p = 5 * i;
    const base = 5 * offsets[c];
    const end = base + 5 * keptLength[c];
    const x1 = packed[p];
    const y1 = packed[p + 1];
    const x2 = packed[p + 2];
    const y2 = packed[p + 3];
    const area = packed[p + 4];
    let suppressed = false;
    for (let q = base; q < end; q += 5) {
      // packedIou, inlined: calling it across modules (a CommonJS export getter) made NMS ~2× slower.
      const iw = Math.min(x2, kept[q + 2]) - Math.max(x1, kept[q]);
      const ih = Math.min(y2, kept[q + 3]) - Math.max(y1, kept[q + 1]);
      if (iw > 0 && ih > 0) {
        const inter = iw * ih;
        if (inter / (area + kept[q + 4] - inter) > iouThreshold) {
          suppressed = true;
          break;
        }
      }
    }
    if (!suppressed) {
      for (let d = 0; d < 5; d++) kept[end + d] = packed[p + d];
      keptLength[c]++;
      keep.push(i);
    }
  }
  return Int32Array.from(keep);
}

/** Dense class ids 0..K−1 per box (in order of first appearance) and each class's start in a CSR layout. */
function groupByClass(classes: ArrayLike<number> | null, n: number): { dense: Int32Array; offsets: Int32Array } {
  const dense = new Int32Array(n);
  const ids = new Map<number, number>();
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = classes ? classes[i] : 0;
    let d = ids.get(c);
    if (d === undefined) {
      d = counts.length;
      ids.set(c, d);
      counts.push(0);
    }
    dense[i] = d;
    counts[d]++;
  }
  const offsets = new Int32Array(counts.length);
  for (let d = 1; d < counts.length; d++) offsets[d] = offsets[d - 1] + counts[d - 1];
  return { dense, offsets };
}
