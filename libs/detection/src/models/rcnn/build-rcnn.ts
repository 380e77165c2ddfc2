import { ROI_BOX_POOL_SIZE } from '../../config';
import type { RcnnFamilyConfig } from '../../families/sections';
import { resolveBackbone, resolveInputSize } from '../../families/model-defaults';
import type { ParamStore } from '../../nn';
import { createProposalSource } from '../../proposals';
import { BACKBONE_TOP_LEVEL } from '../backbones/backbone';
import { buildBackbone } from '../backbones/build-backbone';
import { ModelConfigError } from '../model-error';
import { BoxPredictor, Linear } from '../two-stage/box-head';
import { RoiPooler } from '../two-stage/roi-pooler';
import type { RcnnParts } from './rcnn';

/**
 * The parts of an R-CNN from a validated config, their variables created in `params`: the
 * `backbone` (`resolveBackbone`, at `model.backboneWidth`), `head.fc` (`rcnn.fcDim`, ReLU) on the
 * flattened region features — the backbone's C5 of a `rcnn.warpSize` region, ⌈warpSize/32⌉² cells,
 * or 7×7 pooled from the shared map at `rcnn.sharedLevel` — and `head.predictor` (K + 1 scores,
 * 4K deltas); the proposal source of `proposals`, which reads a proposals file now, or on first
 * use when `readProposalFile` is false (the family passes false for a structure-only build and for
 * one whose weights come from a checkpoint).
 *
 * @throws ModelConfigError naming the field when the config cannot make the model, or the file and
 *   entry of a bad proposals file.
 */
export function buildRcnnParts(config: RcnnFamilyConfig, params: ParamStore, options: { readProposalFile?: boolean } = {}): RcnnParts {
  const { model, rcnn } = config;
  const inputSize = resolveInputSize(model);
  const backbone = buildBackbone(params.scope('backbone'), resolveBackbone(model), model.backboneWidth);
  let inFeatures: number;
  let pooler: RoiPooler | undefined;
  if (rcnn.features === 'warp') {
    const cells = Math.ceil(rcnn.warpSize / 2 ** BACKBONE_TOP_LEVEL);
    inFeatures = cells * cells * backbone.channels.get(BACKBONE_TOP_LEVEL)!;
  } else {
    const channels = backbone.channels.get(rcnn.sharedLevel);
    if (channels === undefined) throw new ModelConfigError('rcnn.sharedLevel', `${backbone.name} has no feature at level ${rcnn.sharedLevel}`);
    inFeatures = ROI_BOX_POOL_SIZE * ROI_BOX_POOL_SIZE * channels;
    pooler = new RoiPooler(rcnn.pooler, [rcnn.sharedLevel]);
  }
  const head = params.scope('head');
  const fc = new Linear(head.child('fc'), inFeatures, rcnn.fcDim);
  const predictor = new BoxPredictor(head.child('predictor'), rcnn.fcDim, model.numClasses);
  const proposals = createProposalSource(config.proposals, inputSize, options.readProposalFile ?? true);
  return { config, inputSize, params, backbone, fc, predictor, proposals, pooler };
}
