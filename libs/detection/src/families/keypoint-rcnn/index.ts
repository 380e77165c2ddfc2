import { KEYPOINT_UPSAMPLE, KeypointConfigSchema, RoiConfigSchema, RpnConfigSchema } from '../../config';
import { withParams } from '../../models/build-detector';
import { buildFasterRcnnParts } from '../../models/two-stage/build-faster-rcnn';
import { KeypointRcnn } from '../../models/two-stage/keypoint-rcnn';
import type { DetectorConfig } from '../config-schema';
import { requireSections } from '../sections';
import type { DetectorFamily } from '../family';
import { boxHeadPerImage, fpnAndRpn, TWO_STAGE_MODEL_FIELDS } from '../faster-rcnn';
import { resolveNeckChannels } from '../model-defaults';

const SECTIONS = { rpn: RpnConfigSchema, roi: RoiConfigSchema, keypoints: KeypointConfigSchema };

/**
 * Keypoint R-CNN (Mask R-CNN, He et al. 2017, §5): Faster R-CNN plus a keypoint head
 * (`keypoints`) that predicts one heatmap per keypoint on each positive RoI — human pose on a
 * person class. It trains on keypoints and its detections are scored by box AP and keypoint AP (OKS).
 */
export const keypointRcnn: DetectorFamily<'keypoint-rcnn', typeof SECTIONS> = {
  arch: 'keypoint-rcnn',
  title: 'Keypoint R-CNN (He et al. 2017, §5): Faster R-CNN with a keypoint heatmap head',
  sections: SECTIONS,
  build: (config, options) => withParams(config, options, (params) => new KeypointRcnn(buildFasterRcnnParts(requireSections(config, ['rpn', 'roi', 'keypoints']), params))),
  targets: { masks: false, keypoints: true },
  iouTypes: ['bbox', 'keypoints'],
  defaults: {},
  modelFields: TWO_STAGE_MODEL_FIELDS,
  memory: {
    // bench/memory-peaks.ts, 2026-12-05: implied 14.9 on one config (memory-estimate.ts).
    activationBytesPerFeatureFloat: 15,
    neckAndHeadsPerPixel: fpnAndRpn,
    perImage: (config) => boxHeadPerImage(config) + keypointBranchPerImage(config),
  },
};

/**
 * The keypoint branch's maps of each foreground RoI: pooled features and hidden convs at P =
 * resolution / 4, the deconvolution's K maps at 2P and the upscaled K heatmaps at 4P.
 */
function keypointBranchPerImage(config: DetectorConfig): number {
  const { roi, keypoints, model } = requireSections(config, ['roi', 'keypoints']);
  const pooled = keypoints.resolution / KEYPOINT_UPSAMPLE;
  const foreground = Math.ceil(roi.batchPerImage * roi.positiveFraction);
  const maps = pooled ** 2 * (resolveNeckChannels(model) + keypoints.convs * keypoints.channels) + (2 * pooled) ** 2 * keypoints.numKeypoints + keypoints.resolution ** 2 * keypoints.numKeypoints;
  return foreground * maps;
}
