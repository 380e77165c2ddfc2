import { EFFICIENTDET_SCALING } from '../../config';
import { densePredictionFloats, pyramidArea } from '../../memory/feature-density';
import { buildOneStageDetector } from '../../models/build-detector';
import type { DetectorConfig } from '../config-schema';
import type { DetectorFamily } from '../family';
import { resolveHeadConvs, resolveNeckChannels } from '../model-defaults';

/**
 * EfficientDet (Tan et al. 2020): an EfficientNet backbone, a BiFPN with weighted fusion
 * (`model.fusion`) and separable-conv heads, all scaled together by the compound coefficient
 * `model.phi` (EfficientDet Table 1 gives the defaults below).
 */
export const efficientdet: DetectorFamily<'efficientdet', Record<never, never>> = {
  arch: 'efficientdet',
  title: 'EfficientDet (Tan et al. 2020): BiFPN and compound scaling by φ',
  sections: {},
  build: (config, options) => buildOneStageDetector(config, options),
  targets: { masks: false, keypoints: false },
  iouTypes: ['bbox'],
  // EfficientDet Table 1: input resolution, backbone B_φ, W_bifpn and D_class by φ.
  defaults: {
    inputSize: (model) => EFFICIENTDET_SCALING[model.phi].inputSize,
    backbone: (model) => `efficientnet-${EFFICIENTDET_SCALING[model.phi].backbone}`,
    neckChannels: (model) => EFFICIENTDET_SCALING[model.phi].bifpnChannels,
    headConvs: (model) => EFFICIENTDET_SCALING[model.phi].headLayers,
  },
  // Every field: φ picks Table 1's defaults, `fusion` the BiFPN's weighting; each default can be overridden.
  modelFields: ['backbone', 'backboneWidth', 'backboneWeights', 'phi', 'norm', 'fusion', 'fpnChannels', 'headConvs', 'inputSize', 'numClasses'],
  memory: {
    // bench/memory-peaks.ts, 2026-12-05: implied 29.4 and 33.5 (memory-estimate.ts).
    activationBytesPerFeatureFloat: 36,
    neckAndHeadsPerPixel: bifpnAndSeparableHeads,
    perImage: () => 0,
  },
};

/**
 * BiFPN: about two fusion nodes a level and layer, each a resample, a depthwise and a pointwise
 * conv; heads: two subnets of `headConvs` separable (depthwise + pointwise) convs.
 */
function bifpnAndSeparableHeads(config: DetectorConfig): number {
  const { model } = config;
  const layers = EFFICIENTDET_SCALING[model.phi].bifpnLayers;
  const perLevel = 2 * 3 * layers + 2 * 2 * resolveHeadConvs(model);
  return resolveNeckChannels(model) * pyramidArea(config.anchors.levels) * perLevel + densePredictionFloats(config);
}
