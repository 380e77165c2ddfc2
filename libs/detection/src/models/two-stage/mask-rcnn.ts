import * as tf from '@tensorflow/tfjs-core';
import { FASTER_RCNN_C4_STRIDE_LEVEL, MASK_SIZE, ROI_MASK_POOL_SIZE } from '../../config';
import { requireSections, type MaskRcnnConfig } from '../../families/sections';
import { resolveNeckChannels } from '../../families/model-defaults';
import { maskLoss, maskProbabilities } from '../../losses/mask-loss';
import { maskTargetsFromBitmaps } from '../../masks/bitmap-targets';
import type { MaskDetections } from '../../masks/mask-detections';
import type { Detections } from '../../postprocess/decode-detections';
import { MaskHead } from '../heads/mask-head';
import { concatRois, FasterRcnn, type FasterRcnnParts, type RoiInferenceState, type RoiTrainingState } from './faster-rcnn';

/** Raised when a Mask R-CNN is trained on batches without instance masks. */
export class MissingMasksError extends Error {
  override readonly name = 'MissingMasksError';
  constructor() {
    super('Mask R-CNN: the training batch has no gtMasks (train on a dataset with instance masks: createTrainSource({ masks: true }))');
  }
}

/**
 * Mask R-CNN (He et al. 2017): Faster R-CNN plus a mask branch in parallel with the box head
 * (§3). Training: the positive RoIs of the box head's sample are pooled at 14×14 (RoIAlign or
 * RoIPool, `roi.pooler`), run through the {@link MaskHead}, and scored against their matched GT
 * masks cropped to the RoI at 28×28 (`maskTargetsFromBitmaps`) by `mask.loss` — the per-class
 * sigmoid on the GT class only, or the softmax ablation (Table 2b); the joint loss is
 * RPN + box + mask.lossWeight · mask, part `mask`. Inference (§3 "Inference"): the mask branch
 * runs on the final (≤ 100) detections only, and each keeps the mask of its predicted class.
 * Variables: `roiHeads.mask.*`.
 */
export class MaskRcnn extends FasterRcnn {
  declare readonly config: MaskRcnnConfig;
  readonly maskHead: MaskHead;

  constructor(parts: FasterRcnnParts) {
    super(parts);
    const config = requireSections(parts.config, ['mask']);
    const inChannels = config.rpn.features === 'fpn' ? resolveNeckChannels(config.model) : parts.trunk.backbone.channels.get(FASTER_RCNN_C4_STRIDE_LEVEL)!;
    this.maskHead = new MaskHead(this.params.scope('roiHeads').child('mask'), maskHeadOptions(config, inChannels));
  }

  protected override roiTrainingExtras(state: RoiTrainingState): Record<string, tf.Scalar> {
    const masks = state.batch.gtMasks;
    if (masks === undefined) throw new MissingMasksError();
    const fg = state.foreground;
    const { loss, lossWeight } = this.config.mask;
    if (fg.classes.length === 0) return { mask: tf.scalar(0) };
    const targets = tf.tensor3d(maskTargetsFromBitmaps(masks, fg.boxes, fg.imageIndex, fg.gtIndex, MASK_SIZE), [fg.classes.length, MASK_SIZE, MASK_SIZE]);
    const logits = this.maskHead.apply(state.pool(fg.boxes, fg.imageIndex, ROI_MASK_POOL_SIZE), true);
    const l = maskLoss(logits, targets, fg.classes, loss);
    // Extras enter the total as they are: the part is the weighted mask loss (weight 1 by default).
    return { mask: lossWeight === 1 ? l : (tf.mul(l, lossWeight) as tf.Scalar) };
  }

  protected override async roiDetectionExtras(state: RoiInferenceState, detections: Detections[]): Promise<MaskDetections[]> {
    const { boxes, imageIndex } = concatRois(detections.map((d) => d.boxes as Float32Array));
    const classes = Int32Array.from(detections.flatMap((d) => Array.from(d.classes)));
    let probs: Float32Array = new Float32Array(0);
    if (classes.length > 0) {
      const pool = state.pool;
      const t = tf.tidy(() => maskProbabilities(this.maskHead.apply(pool(boxes, imageIndex, ROI_MASK_POOL_SIZE), false), classes, this.config.mask.loss));
      try {
        probs = (await t.data()) as Float32Array;
      } finally {
        t.dispose();
      }
    }
    const m2 = MASK_SIZE * MASK_SIZE;
    let row = 0;
    return detections.map((d) => {
      const n = d.scores.length;
      const out: MaskDetections = { ...d, masks: probs.slice(row * m2, (row + n) * m2), maskSize: MASK_SIZE };
      row += n;
      return out;
    });
  }
}

function maskHeadOptions(config: MaskRcnnConfig, inChannels: number): ConstructorParameters<typeof MaskHead>[1] {
  const { mask, model } = config;
  return { inChannels, numClasses: model.numClasses, convDim: mask.convDim, numConvs: mask.numConvs, norm: mask.norm, loss: mask.loss };
}
