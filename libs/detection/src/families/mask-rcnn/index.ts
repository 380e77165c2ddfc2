import { MaskConfigSchema, ROI_MASK_POOL_SIZE, RoiConfigSchema, RpnConfigSchema } from '../../config';
import { withParams } from '../../models/build-detector';
import { buildFasterRcnnParts } from '../../models/two-stage/build-faster-rcnn';
import { MaskRcnn } from '../../models/two-stage/mask-rcnn';
import type { DetectorConfig } from '../config-schema';
import { requireSections } from '../sections';
import type { DetectorFamily } from '../family';
import { boxHeadPerImage, fpnAndRpn, TWO_STAGE_MODEL_FIELDS } from '../faster-rcnn';
import { resolveNeckChannels } from '../model-defaults';

const SECTIONS = { rpn: RpnConfigSchema, roi: RoiConfigSchema, mask: MaskConfigSchema };

/**
 * Mask R-CNN (He et al. 2017): Faster R-CNN plus a mask branch (`mask`) on the positive RoIs.
 * It trains on instance masks and its detections are scored by box and by mask AP.
 */
export const maskRcnn: DetectorFamily<'mask-rcnn', typeof SECTIONS> = {
  arch: 'mask-rcnn',
  title: 'Mask R-CNN (He et al. 2017): Faster R-CNN with a mask branch',
  sections: SECTIONS,
  build: (config, options) => withParams(config, options, (params) => new MaskRcnn(buildFasterRcnnParts(requireSections(config, ['rpn', 'roi', 'mask']), params))),
  targets: { masks: true, keypoints: false },
  iouTypes: ['bbox', 'segm'],
  defaults: {},
  modelFields: TWO_STAGE_MODEL_FIELDS,
  memory: {
    // bench/memory-peaks.ts, 2026-12-05: implied 7.8 on one config (memory-estimate.ts).
    activationBytesPerFeatureFloat: 10,
    neckAndHeadsPerPixel: fpnAndRpn,
    perImage: (config) => boxHeadPerImage(config) + maskBranchPerImage(config),
  },
};

/** The mask branch's maps of each foreground RoI: pooled features, hidden convs, deconvolution and logits. */
function maskBranchPerImage(config: DetectorConfig): number {
  const { roi, mask, model } = requireSections(config, ['roi', 'mask']);
  const channels = resolveNeckChannels(model);
  const foreground = Math.ceil(roi.batchPerImage * roi.positiveFraction);
  const maps = ROI_MASK_POOL_SIZE ** 2 * (channels + mask.numConvs * mask.convDim) + (2 * ROI_MASK_POOL_SIZE) ** 2 * (mask.convDim + model.numClasses);
  return foreground * maps;
}
