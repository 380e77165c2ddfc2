import type { TwoStageConfig } from '../../families/sections';
import { resolveBackbone, resolveInputSize, resolveNeckChannels } from '../../families/model-defaults';
import type { ParamStore, Scope } from '../../nn';
import { buildBackbone } from '../backbones/build-backbone';
import { ModelConfigError } from '../model-error';
import { Fpn } from '../necks/fpn';
import { BoxHead, BoxPredictor } from './box-head';
import type { FasterRcnnParts, FeatureTrunk } from './faster-rcnn';
import { RoiPooler } from './roi-pooler';
import { RpnHead } from './rpn';
import { rpnAnchors } from './rpn-anchors';
import { ROI_BOX_POOL_SIZE, FASTER_RCNN_C4_STRIDE_LEVEL } from '../../config';

/** FPN §4.2: RoIs are pooled from P2–P5 (P6 serves only the RPN). */
const FPN_ROI_LEVELS = [2, 3, 4, 5] as const;

/**
 * The parts of a Faster R-CNN from a validated config, their variables created in `params`:
 * - trunk `backbone` (`resolveBackbone`, default ResNet-50, at `model.backboneWidth`), plus for
 *   `rpn.features: 'fpn'` an FPN `neck` over P2–P5 ∪ `anchors.levels` at `resolveNeckChannels`
 *   (256) with `model.norm`; for 'c4' the RPN and RoI heads read C4 (stride 16) alone;
 * - with `rpn.shared: false` a second trunk `rpnBackbone` (+ `rpnNeck`) for the RPN alone;
 * - `rpn` head on the RPN anchors (`rpnAnchors`), `roiHeads.box` (`roi.boxHead`) and
 *   `roiHeads.predictor` (K + 1 scores, 4K deltas).
 *
 * @throws ModelConfigError naming the field when the config cannot make the model.
 */
export function buildFasterRcnnParts(config: TwoStageConfig, params: ParamStore): FasterRcnnParts {
  const { model, rpn, roi } = config;
  const inputSize = resolveInputSize(model);
  const anchors = rpnAnchors(config.anchors, rpn.features, inputSize);
  if (rpn.features === 'fpn' && anchors.levels.some((l) => l < 2)) {
    throw new ModelConfigError('anchors.levels', `the FPN RPN needs levels ≥ 2 (P2–P6), got [${anchors.levels.join(', ')}]`);
  }
  const trunk = buildTrunk(params.scope('backbone'), params.scope('neck'), config, anchors.levels);
  const rpnTrunk = rpn.shared ? undefined : buildTrunk(params.scope('rpnBackbone'), params.scope('rpnNeck'), config, anchors.levels);
  const channels = rpn.features === 'fpn' ? resolveNeckChannels(model) : trunk.backbone.channels.get(FASTER_RCNN_C4_STRIDE_LEVEL)!;
  const rpnHead = new RpnHead(params.scope('rpn'), { inChannels: channels, numAnchors: anchors.anchorsPerPosition });
  const pooler = new RoiPooler(roi.pooler, rpn.features === 'fpn' ? FPN_ROI_LEVELS : [FASTER_RCNN_C4_STRIDE_LEVEL]);
  const heads = params.scope('roiHeads');
  const boxHead = new BoxHead(heads.child('box'), {
    kind: roi.boxHead,
    inChannels: channels,
    poolSize: ROI_BOX_POOL_SIZE,
    fcDim: roi.fcDim,
    convDim: roi.convDim,
  });
  const boxPredictor = new BoxPredictor(heads.child('predictor'), boxHead.outFeatures, model.numClasses);
  return { config, inputSize, params, trunk, rpnTrunk, rpnAnchors: anchors, rpnHead, pooler, boxHead, boxPredictor };
}

function buildTrunk(backboneScope: Scope, neckScope: Scope, config: TwoStageConfig, rpnLevels: readonly number[]): FeatureTrunk {
  const { model, rpn } = config;
  const backbone = buildBackbone(backboneScope, resolveBackbone(model), model.backboneWidth);
  if (rpn.features === 'c4') {
    if (!backbone.channels.has(FASTER_RCNN_C4_STRIDE_LEVEL)) {
      throw new ModelConfigError('model.backbone', `${backbone.name} has no C4 feature for rpn.features 'c4'`);
    }
    return { backbone };
  }
  const levels = [...new Set([...FPN_ROI_LEVELS, ...rpnLevels])].sort((a, b) => a - b);
  for (const l of levels.filter((l) => l <= 5)) {
    if (!backbone.channels.has(l)) throw new ModelConfigError('anchors.levels', `${backbone.name} has no feature at level ${l}`);
  }
  const neck = new Fpn(neckScope, { inChannels: backbone.channels, levels, channels: resolveNeckChannels(model), norm: model.norm });
  return { backbone, neck };
}
