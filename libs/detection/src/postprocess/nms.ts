import { packWithArea, packedIou } from '../boxes';
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
  // the same set torchvision's "keep i, suppress all later j" loop produces.
  const keptByClass = new Map<number, number[]>();
  const keep: number[] = [];
  for (let r = 0; r < n && keep.length < maxOutput; r++) {
    const i = order[r];
    const c = classes ? classes[i] : 0;
    let kept = keptByClass.get(c);
    if (!kept) {
      kept = [];
      keptByClass.set(c, kept);
    }
    const p = 5 * i;
    let suppressed = false;
    for (let t = 0; t < kept.length; t++) {
      if (packedIou(packed, p, packed, 5 * kept[t]) > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) {
      kept.push(i);
      keep.push(i);
    }
  }
  return Int32Array.from(keep);
}
