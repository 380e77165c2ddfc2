/**
 * Speed of the detection ops that run per image outside the graph, each against a naive
 * nested-loop version (written below, on plain objects and arrays) timed in the same run:
 *
 * - `iou` for 50,000 anchors × 100 boxes (the N×M matrix);
 * - `batchedNms` for 10,000 boxes over 80 classes (the candidates of a few images' heads), against
 *   torchvision's CPU path for that many boxes: a greedy NMS per class (not a nested-loop straw man);
 * - `matchAnchors` (RPN preset, with low-quality matches) for the 196,416 RetinaNet anchors of a
 *   1024 px image × 100 boxes, against the torchvision way: the full IoU matrix, then maxima.
 *
 * The baselines must produce the same results; `measureOps` throws if they do not.
 * `npm run bench:eval` imports `measureOps`, so its name and keys are a stable contract.
 */
import { RPN_MATCHER, batchedNms, generateAnchors, iou, matchAnchors } from '@ablate/detection';
import { mulberry32 } from './prng';

/** Naive IoU: boxes as objects, a function call and both areas recomputed per pair, rows as arrays. */
interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}
function naivePairIou(a: Box, b: Box): number {
  const iw = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const ih = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = iw * ih;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}
function toObjects(flat: Float32Array): Box[] {
  const out: Box[] = [];
  for (let k = 0; k < flat.length; k += 4) out.push({ x1: flat[k], y1: flat[k + 1], x2: flat[k + 2], y2: flat[k + 3] });
  return out;
}
function naiveIou(a: Box[], b: Box[]): number[][] {
  return a.map((p) => b.map((q) => naivePairIou(p, q)));
}

/**
 * What torchvision runs for `batched_nms` on CPU above 4,000 boxes (`_batched_nms_vanilla`): a
 * greedy NMS per class — its C++ kernel is a loop over the class's boxes sorted by score, each kept
 * box suppressing the later ones above the threshold, with areas computed once — then the kept
 * boxes of every class merged by score. Written the same way here, on the typed arrays.
 */
function perClassGreedyNms(boxes: Float32Array, scores: Float32Array, classes: Int32Array, threshold: number): number[] {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < scores.length; i++) {
    const list = byClass.get(classes[i]);
    if (list) list.push(i);
    else byClass.set(classes[i], [i]);
  }
  const keep: number[] = [];
  for (const members of byClass.values()) {
    const order = members.sort((a, b) => scores[b] - scores[a] || a - b);
    const areas = order.map((i) => (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]));
    const suppressed = new Uint8Array(order.length);
    for (let r = 0; r < order.length; r++) {
      if (suppressed[r]) continue;
      const i = order[r];
      keep.push(i);
      const x1 = boxes[4 * i], y1 = boxes[4 * i + 1], x2 = boxes[4 * i + 2], y2 = boxes[4 * i + 3];
      for (let t = r + 1; t < order.length; t++) {
        if (suppressed[t]) continue;
        const j = order[t];
        const w = Math.min(x2, boxes[4 * j + 2]) - Math.max(x1, boxes[4 * j]);
        const h = Math.min(y2, boxes[4 * j + 3]) - Math.max(y1, boxes[4 * j + 1]);
        const inter = w > 0 && h > 0 ? w * h : 0;
        if (inter / (areas[r] + areas[t] - inter) > threshold) suppressed[t] = 1;
      }
    }
  }
  return keep.sort((a, b) => scores[b] - scores[a] || a - b);
}

/** The torchvision Matcher on the full G×A IoU matrix (80 MB here), as the baseline of matchAnchors. */
function matrixMatch(anchors: Float32Array, gt: Float32Array, fg: number, bg: number): Int32Array {
  const a = anchors.length / 4;
  const g = gt.length / 4;
  const m = iou(gt, anchors);
  const out = new Int32Array(a);
  const bestGt = new Int32Array(a);
  for (let i = 0; i < a; i++) {
    let v = -1;
    for (let j = 0; j < g; j++) {
      if (m[j * a + i] > v) {
        v = m[j * a + i];
        bestGt[i] = j;
      }
    }
    out[i] = v >= fg ? bestGt[i] : v >= bg ? -2 : -1;
  }
  for (let j = 0; j < g; j++) {
    let top = 0;
    for (let i = 0; i < a; i++) top = Math.max(top, m[j * a + i]);
    if (top > 0) for (let i = 0; i < a; i++) if (m[j * a + i] === top) out[i] = bestGt[i];
  }
  return out;
}


function randomBoxes(n: number, rand: () => number, imageSize: number, minSide: number, maxSide: number): Float32Array {
  const out = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const w = minSide + rand() * (maxSide - minSide);
    const h = minSide + rand() * (maxSide - minSide);
    const x = rand() * (imageSize - w);
    const y = rand() * (imageSize - h);
    out.set([x, y, x + w, y + h], 4 * i);
  }
  return out;
}

/** Detections as a head makes them: clusters of jittered boxes around objects, each of one class. */
function clusteredDetections(n: number, classes: number, rand: () => number) {
  const objects = randomBoxes(600, rand, 1024, 16, 300);
  const boxes = new Float32Array(4 * n);
  const scores = new Float32Array(n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const o = Math.floor(rand() * 600);
    const [x1, y1, x2, y2] = objects.subarray(4 * o, 4 * o + 4);
    const jx = (x2 - x1) * 0.15;
    const jy = (y2 - y1) * 0.15;
    boxes.set([x1 + (rand() - 0.5) * jx, y1 + (rand() - 0.5) * jy, x2 + (rand() - 0.5) * jx, y2 + (rand() - 0.5) * jy], 4 * i);
    scores[i] = Math.round(rand() * 1000) / 1000; // three decimals: some ties, as real scores have
    labels[i] = rand() < 0.7 ? o % classes : Math.floor(rand() * classes);
  }
  return { boxes, scores, labels };
}

/** Median wall time in ms of `runs` calls (after one warm-up call). */
function timeIt(fn: () => unknown, runs: number): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Times the ops and their naive baselines in this process and returns the figures:
 * `iou_50k_x_100_ms`, `iou_naive_ms`, `iou_speedup` (naive / fast), and the same three for
 * `batched_nms_10k_80_classes` (baseline `batched_nms_per_class_ms`), and `match_196k_x_100_ms`, `match_full_matrix_ms`, `match_speedup`. Medians of several runs after a warm-up.
 */
export async function measureOps(): Promise<Record<string, number>> {
  const rand = mulberry32(20171708);
  const anchors = randomBoxes(50_000, rand, 1024, 8, 400);
  const gt = randomBoxes(100, rand, 1024, 16, 300);
  const fast = iou(anchors, gt);
  const naive = naiveIou(toObjects(anchors), toObjects(gt));
  for (let i = 0; i < 50_000; i += 997) {
    for (let j = 0; j < 100; j++) {
      if (Math.abs(fast[i * 100 + j] - naive[i][j]) > 1e-6) throw new Error(`iou disagrees with the naive version at (${i}, ${j})`);
    }
  }
  const anchorObjects = toObjects(anchors);
  const gtObjects = toObjects(gt);
  const out = new Float32Array(50_000 * 100);
  const iouMs = timeIt(() => iou(anchors, gt, out), 7);
  const iouNaiveMs = timeIt(() => naiveIou(anchorObjects, gtObjects), 3);

  const det = clusteredDetections(10_000, 80, rand);
  const kept = Array.from(batchedNms(det.boxes, det.scores, det.labels, 0.5));
  const keptPerClass = perClassGreedyNms(det.boxes, det.scores, det.labels, 0.5);
  if (kept.length !== keptPerClass.length || kept.some((v, k) => v !== keptPerClass[k])) {
    throw new Error(`batchedNms keeps ${kept.length} boxes, the per-class greedy NMS ${keptPerClass.length}, or in another order`);
  }
  const nmsMs = timeIt(() => batchedNms(det.boxes, det.scores, det.labels, 0.5), 7);
  const nmsPerClassMs = timeIt(() => perClassGreedyNms(det.boxes, det.scores, det.labels, 0.5), 7);

  const allAnchors = generateAnchors({}, 1024).anchors;
  const matchGt = randomBoxes(100, rand, 1024, 16, 400);
  const matched = matchAnchors(allAnchors, matchGt, RPN_MATCHER);
  const matchedRef = matrixMatch(allAnchors, matchGt, RPN_MATCHER.fgIouThreshold, RPN_MATCHER.bgIouThreshold);
  // The baseline's IoU is float32, matchAnchors' float64: they may differ only where an IoU sits on a threshold.
  let differ = 0;
  for (let i = 0; i < matched.length; i++) if (matched[i] !== matchedRef[i]) differ++;
  if (differ > matched.length * 1e-4) throw new Error(`matchAnchors disagrees with the full-matrix matcher on ${differ} anchors`);
  const matchMs = timeIt(() => matchAnchors(allAnchors, matchGt, RPN_MATCHER), 5);
  const matchMatrixMs = timeIt(() => matrixMatch(allAnchors, matchGt, RPN_MATCHER.fgIouThreshold, RPN_MATCHER.bgIouThreshold), 3);

  return {
    iou_50k_x_100_ms: round(iouMs),
    iou_naive_ms: round(iouNaiveMs),
    iou_speedup: round(iouNaiveMs / iouMs, 1),
    batched_nms_10k_80_classes_ms: round(nmsMs),
    batched_nms_per_class_ms: round(nmsPerClassMs),
    batched_nms_speedup: round(nmsPerClassMs / nmsMs, 1),
    batched_nms_kept: kept.length,
    match_196k_x_100_ms: round(matchMs),
    match_full_matrix_ms: round(matchMatrixMs),
    match_speedup: round(matchMatrixMs / matchMs, 1),
  };
}
