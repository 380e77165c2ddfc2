import { ProposalConfigSchema, RcnnConfigSchema, ROI_BOX_POOL_SIZE } from '../../config';
import { backboneChannelsAt, backboneDensity } from '../../memory/feature-density';
import { withParams } from '../../models/build-detector';
import { buildRcnnParts } from '../../models/rcnn/build-rcnn';
import { Rcnn } from '../../models/rcnn/rcnn';
import type { DetectorConfig } from '../config-schema';
import type { DetectorFamily, ModelField } from '../family';
import { requireSections } from '../sections';

const SECTIONS = { proposals: ProposalConfigSchema, rcnn: RcnnConfigSchema };

/** The backbone's fields: R-CNN has no neck, no dense head and no anchors. */
const RCNN_MODEL_FIELDS: readonly ModelField[] = ['backbone', 'backboneWidth', 'backboneWeights', 'inputSize', 'numClasses'];

/**
 * R-CNN (Girshick et al. 2014): region proposals (`proposals`: sliding windows, a selective-search-
 * like segmentation, or a file), each region warped and classified by a CNN with a class-specific
 * box regressor (`rcnn`); `rcnn.features: 'shared'` makes it Fast R-CNN on the same proposals.
 */
export const rcnn: DetectorFamily<'rcnn', typeof SECTIONS> = {
  arch: 'rcnn',
  title: 'R-CNN (Girshick et al. 2014): a CNN on every warped region proposal; Fast R-CNN with rcnn.features shared',
  sections: SECTIONS,
  build: (config, options) =>
    withParams(config, options, (params) => new Rcnn(buildRcnnParts(requireSections(config, ['proposals', 'rcnn']), params, { readProposalFile: !(options.structureOnly ?? false) && (options.loadBackboneWeights ?? true) }))),
  targets: { masks: false, keypoints: false },
  iouTypes: ['bbox'],
  // A CNN per region: the small ResNet is the CPU-sized default (the paper's AlexNet has 5 convs).
  defaults: { backbone: () => 'resnet18' },
  modelFields: RCNN_MODEL_FIELDS,
  memory: {
    // bench/memory-peaks.ts, 2026-12-05: implied 20.4 on one config (memory-estimate.ts).
    activationBytesPerFeatureFloat: 24,
    backboneOnImage: (config) => requireSections(config, ['rcnn']).rcnn.features === 'shared',
    neckAndHeadsPerPixel: () => 0,
    perImage: regionsPerImage,
  },
};

/**
 * Floats per image of the sampled regions: with 'warp' the backbone's maps of each warped region
 * (the backbone does not see the image itself), with 'shared' the 7×7 pooled features; then the
 * hidden layer and the outputs.
 */
function regionsPerImage(config: DetectorConfig): number {
  const { rcnn: r, model } = requireSections(config, ['rcnn']);
  const outputs = r.fcDim + 5 * model.numClasses + 1;
  const features = r.features === 'warp' ? r.warpSize ** 2 * (3 + backboneDensity(config)) : ROI_BOX_POOL_SIZE ** 2 * backboneChannelsAt(config, r.sharedLevel);
  return r.batchPerImage * (features + outputs);
}
