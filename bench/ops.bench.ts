/**
 * `npm run bench:ops`: the detection ops against baselines timed in the same run
 * (see bench/ops.ts). Prints a table, its headlines, then one line with the JSON object of the figures.
 */
import { measureOps } from './ops';
import { finishBench, times } from './record';

async function main(): Promise<void> {
  const f = await measureOps();
  console.log('op                                   ours (ms)   baseline (ms)   speed-up');
  console.log(
    `iou, 50k anchors × 100 boxes        ${String(f.iou_50k_x_100_ms).padStart(10)}   ${String(f.iou_naive_ms).padStart(10)}   ${f.iou_speedup}×`,
  );
  console.log(
    `batchedNms, 10k boxes, 80 classes   ${String(f.batched_nms_10k_80_classes_ms).padStart(10)}   ${String(f.batched_nms_per_class_ms).padStart(10)}   ${f.batched_nms_speedup}×  (${f.batched_nms_kept} kept; baseline: greedy NMS per class, torchvision's CPU path)`,
  );
  console.log(
    `matchAnchors (RPN), 196k × 100      ${String(f.match_196k_x_100_ms).padStart(10)}   ${String(f.match_full_matrix_ms).padStart(10)}   ${f.match_speedup}×  (baseline: full IoU matrix)`,
  );
  finishBench('ops', [
    { figure: 'iou, 50k anchors × 100 boxes', value: times(f.iou_speedup, 1), baseline: `boxes as objects, a call per pair: ${f.iou_naive_ms} ms (ours ${f.iou_50k_x_100_ms} ms)`, goal: null, met: null },
    { figure: 'batchedNms, 10k boxes, 80 classes', value: times(f.batched_nms_speedup, 1), baseline: `greedy NMS per class (torchvision's CPU path): ${f.batched_nms_per_class_ms} ms (ours ${f.batched_nms_10k_80_classes_ms} ms)`, goal: null, met: null },
    { figure: 'matchAnchors (RPN preset), 196k anchors × 100 boxes', value: times(f.match_speedup, 1), baseline: `full IoU matrix, as torchvision's Matcher: ${f.match_full_matrix_ms} ms (ours ${f.match_196k_x_100_ms} ms)`, goal: null, met: null },
  ], f);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
