import { ROI_BOX_POOL_SIZE, RoiConfigSchema, RpnConfigSchema } from '../../config';
import { densePredictionFloats, pyramidArea } from '../../memory/feature-density';
import { withParams } from '../../models/build-detector';
import { buildFasterRcnnParts } from '../../models/two-stage/build-faster-rcnn';
import { FasterRcnn } from '../../models/two-stage/faster-rcnn';
import type { DetectorConfig } from '../config-schema';
import { requireSections } from '../sections';
import type { DetectorFamily, ModelField } from '../family';
import { resolveNeckChannels } from '../model-defaults';

const SECTIONS = { rpn: RpnConfigSchema, roi: RoiConfigSchema };

/** The `model` fields the two-stage builders read (models/two-stage: backbone, FPN width, norm, classes). */
export const TWO_STAGE_MODEL_FIELDS: readonly ModelField[] = ['backbone', 'backboneWidth', 'backboneWeights', 'norm', 'fpnChannels', 'inputSize', 'numClasses'];

/**
 * Faster R-CNN (Ren et al. 2015) with FPN features (Lin et al. 2017) or a C4 map: a region
 * proposal network (`rpn`) and an RoI box head (`roi`) on shared features. Mask R-CNN builds on it.
 */
export const fasterRcnn: DetectorFamily<'faster-rcnn', typeof SECTIONS> = {
  arch: 'faster-rcnn',
  title: 'Faster R-CNN (Ren et al. 2015): RPN and RoI box head, on FPN or C4',
  sections: SECTIONS,
  build: (config, options) => withParams(config, options, (params) => new FasterRcnn(buildFasterRcnnParts(requireSections(config, ['rpn', 'roi']), params))),
  targets: { masks: false, keypoints: false },
  iouTypes: ['bbox'],
  defaults: {},
  // FPN or C4 features and RoI heads sized by `roi`: no φ, no BiFPN fusion, no dense-head convs.
  modelFields: TWO_STAGE_MODEL_FIELDS,
  memory: {
    // bench/memory-peaks.ts, 2026-12-05: implied 25.3 on one config (memory-estimate.ts).
    activationBytesPerFeatureFloat: 28,
    neckAndHeadsPerPixel: fpnAndRpn,
    perImage: boxHeadPerImage,
  },
};

/** FPN (a lateral and an output conv a level) and one RPN conv a level. */
export function fpnAndRpn(config: DetectorConfig): number {
  return resolveNeckChannels(config.model) * pyramidArea(config.anchors.levels) * (2 + 1) + densePredictionFloats(config);
}

/** Floats per image of the box head: the pooled features and hidden layers of each sampled RoI. */
export function boxHeadPerImage(config: DetectorConfig): number {
  const { roi } = requireSections(config, ['roi']);
  const boxHead = roi.boxHead === '2fc' ? 2 * roi.fcDim : 4 * roi.convDim * ROI_BOX_POOL_SIZE ** 2 + roi.fcDim;
  return roi.batchPerImage * (resolveNeckChannels(config.model) * ROI_BOX_POOL_SIZE ** 2 + boxHead);
}
