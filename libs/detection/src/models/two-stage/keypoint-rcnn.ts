import * as tf from '@tensorflow/tfjs-core';
import { FASTER_RCNN_C4_STRIDE_LEVEL, KEYPOINT_UPSAMPLE } from '../../config';
import { requireSections, type KeypointRcnnConfig } from '../../families/sections';
import { resolveNeckChannels } from '../../families/model-defaults';
import { continuousKeypoints, type KeypointDetections } from '../../keypoints/keypoint-detections';
import { heatmapsToKeypoints, keypointHeatmapTargets, NO_KEYPOINT_TARGET } from '../../keypoints/keypoint-heatmaps';
import { keypointLoss } from '../../losses/keypoint-loss';
import type { Detections } from '../../postprocess/decode-detections';
import type { TrainBatch } from '../../structures';
import { KeypointHead } from '../heads/keypoint-head';
import { concatRois, FasterRcnn, type FasterRcnnParts, type RoiInferenceState, type RoiTrainingState } from './faster-rcnn';

/** Raised when a Keypoint R-CNN is trained on batches without keypoints. */
export class MissingKeypointsError extends Error {
  override readonly name = 'MissingKeypointsError';
  constructor() {
    super('Keypoint R-CNN: the training batch has no gtKeypoints (train on a dataset with keypoints: createTrainSource({ keypoints: true }))');
  }
}

/**
 * Keypoint R-CNN (Mask R-CNN, He et al. 2017, §5 "Human Pose Estimation"): Faster R-CNN plus a
 * keypoint head on the positive RoIs. Training: the foreground RoIs of the box head's sample
 * that hold at least one visible keypoint of their matched instance (detectron2
 * `select_proposals_with_visible_keypoints`) are pooled at `resolution / 4` (RoIAlign, or RoIPool
 * with `roi.pooler`), run through the {@link KeypointHead}, and each visible keypoint inside its
 * RoI is scored by a softmax cross-entropy over the heatmap's positions against its one-hot cell
 * (`keypointHeatmapTargets`, `keypointLoss`), normalised by the batch's visible keypoints; the
 * joint loss is RPN + box + keypoints.lossWeight · keypoint, part `keypoint`. Inference: the head
 * runs on the final detections and each keypoint is its heatmap's arg-max (`heatmapsToKeypoints`).
 * Variables: `roiHeads.keypoint.*`.
 */
export class KeypointRcnn extends FasterRcnn {
  declare readonly config: KeypointRcnnConfig;
  readonly keypointHead: KeypointHead;

  constructor(parts: FasterRcnnParts) {
    super(parts);
    const config = requireSections(parts.config, ['keypoints']);
    const inChannels = config.rpn.features === 'fpn' ? resolveNeckChannels(config.model) : parts.trunk.backbone.channels.get(FASTER_RCNN_C4_STRIDE_LEVEL)!;
    const { numKeypoints, convs, channels } = config.keypoints;
    this.keypointHead = new KeypointHead(this.params.scope('roiHeads').child('keypoint'), { inChannels, numKeypoints, convs, channels });
  }

  /** Side of the heatmaps, and of the RoI features (a quarter of it) the head reads. */
  get heatmapSize(): number {
    return this.config.keypoints.resolution;
  }

  protected override roiTrainingExtras(state: RoiTrainingState): Record<string, tf.Scalar> {
    const { batch, foreground } = state;
    const gt = batch.gtKeypoints;
    if (gt === undefined) throw new MissingKeypointsError();
    const K = this.config.keypoints.numKeypoints;
    const S = this.heatmapSize;
    const matched = matchedKeypoints(batch, gt, foreground.imageIndex, foreground.gtIndex, K);
    const all = keypointHeatmapTargets(matched, foreground.boxes, S);
    // No visible keypoint in any RoI of the batch: no loss (detectron2 counts such a batch as skipped).
    if (all.numVisible === 0) return { keypoint: tf.scalar(0) };
    const kept = roisWithTargets(all.labels, K);
    const boxes = new Float32Array(kept.length * 4);
    const labels = new Int32Array(kept.length * K);
    kept.forEach((r, i) => {
      boxes.set(foreground.boxes.subarray(4 * r, 4 * r + 4), 4 * i);
      labels.set(all.labels.subarray(r * K, (r + 1) * K), i * K);
    });
    const imageIndex = Int32Array.from(kept, (r) => foreground.imageIndex[r]!);
    const logits = this.keypointHead.apply(state.pool(boxes, imageIndex, S / KEYPOINT_UPSAMPLE));
    const l = keypointLoss(logits, labels, all.numVisible);
    const { lossWeight } = this.config.keypoints;
    return { keypoint: lossWeight === 1 ? l : (tf.mul(l, lossWeight) as tf.Scalar) };
  }

  protected override async roiDetectionExtras(state: RoiInferenceState, detections: Detections[]): Promise<KeypointDetections[]> {
    const { boxes, imageIndex } = concatRois(detections.map((d) => d.boxes as Float32Array));
    const K = this.config.keypoints.numKeypoints;
    const S = this.heatmapSize;
    let keypoints: Float32Array = new Float32Array(0);
    if (imageIndex.length > 0) {
      const pool = state.pool;
      const t = tf.tidy(() => this.keypointHead.apply(pool(boxes, imageIndex, S / KEYPOINT_UPSAMPLE)));
      try {
        keypoints = heatmapsToKeypoints((await t.data()) as Float32Array, boxes, S, K);
      } finally {
        t.dispose();
      }
    }
    let row = 0;
    return detections.map((d) => {
      const n = d.scores.length;
      const out: KeypointDetections = { ...d, keypoints: keypoints.slice(row * K * 3, (row + n) * K * 3), numKeypoints: K };
      row += n;
      return out;
    });
  }
}

/**
 * The keypoints (R·K·3, continuous input pixels) of each foreground RoI's matched instance.
 * @throws RangeError when the batch's keypoints are not K a box.
 */
function matchedKeypoints(batch: TrainBatch, gt: readonly Float32Array[], imageIndex: Int32Array, gtIndex: Int32Array, K: number): Float32Array {
  const perImage = gt.map((points, b) => {
    const n = batch.gtLabels[b]!.length;
    if (points.length !== n * K * 3) throw new RangeError(`KeypointRcnn: image ${b} has ${points.length / 3} keypoints for ${n} boxes, expected ${K} a box (keypoints.numKeypoints)`);
    return continuousKeypoints(points, batch.meta[b]!);
  });
  const out = new Float32Array(imageIndex.length * K * 3);
  for (let r = 0; r < imageIndex.length; r++) {
    const g = gtIndex[r]!;
    out.set(perImage[imageIndex[r]!]!.subarray(g * K * 3, (g + 1) * K * 3), r * K * 3);
  }
  return out;
}

/** The RoIs (indices) with at least one keypoint target. */
function roisWithTargets(labels: Int32Array, K: number): number[] {
  const kept: number[] = [];
  for (let r = 0; r < labels.length / K; r++) {
    if (labels.subarray(r * K, (r + 1) * K).some((l) => l !== NO_KEYPOINT_TARGET)) kept.push(r);
  }
  return kept;
}
