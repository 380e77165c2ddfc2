import { buildOneStageDetector } from '../../models/build-detector';
import { densePredictionFloats, pyramidArea } from '../../memory/feature-density';
import type { DetectorConfig } from '../config-schema';
import type { DetectorFamily } from '../family';
import { resolveHeadConvs, resolveNeckChannels } from '../model-defaults';

/**
 * RetinaNet (Lin et al. 2017, "Focal Loss for Dense Object Detection"): a backbone, an FPN over
 * P3–P7 and two dense subnets trained with the focal loss. Its defaults are the ones every field
 * of `model` falls back to (ResNet-50, 256-channel FPN, 4-conv heads, 512 px): model-defaults.ts.
 */
export const retinanet: DetectorFamily<'retinanet', Record<never, never>> = {
  arch: 'retinanet',
  title: 'RetinaNet (Lin et al. 2017): FPN and focal-loss dense heads',
  sections: {},
  build: (config, options) => buildOneStageDetector(config, options),
  targets: { masks: false, keypoints: false },
  iouTypes: ['bbox'],
  defaults: {},
  // An FPN, not a BiFPN: no φ scaling and no fusion weights (build-detector.ts).
  modelFields: ['backbone', 'backboneWidth', 'backboneWeights', 'norm', 'fpnChannels', 'headConvs', 'inputSize', 'numClasses'],
  memory: {
    // bench/memory-peaks.ts, 2026-12-05: implied 21.8–42.1 over six configs (memory-estimate.ts).
    activationBytesPerFeatureFloat: 42,
    neckAndHeadsPerPixel: fpnAndDenseHeads,
    perImage: () => 0,
  },
};

/** FPN: a lateral and an output conv a level; the heads: two subnets of `headConvs` convs. */
function fpnAndDenseHeads(config: DetectorConfig): number {
  const channels = resolveNeckChannels(config.model);
  return channels * pyramidArea(config.anchors.levels) * (2 + 2 * resolveHeadConvs(config.model)) + densePredictionFloats(config);
}
