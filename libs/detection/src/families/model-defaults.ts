import { RETINANET_FPN_CHANNELS, RETINANET_HEAD_CONVS, type BACKBONES, type ModelConfig } from '../config';
import { familyOf } from './registry';

/**
 * The architecture fields a `model` section may leave out, resolved: the explicit value, else the
 * family's default (families/<arch>: EfficientDet's Table 1 by φ), else RetinaNet's.
 */

/** Square input side in pixels. */
export function resolveInputSize(model: ModelConfig): number {
  return model.inputSize ?? familyOf(model.arch).defaults.inputSize?.(model) ?? 512;
}

/** The backbone network (RetinaNet: ResNet-50). */
export function resolveBackbone(model: ModelConfig): (typeof BACKBONES)[number] {
  return model.backbone ?? familyOf(model.arch).defaults.backbone?.(model) ?? 'resnet50';
}

/** Neck width (RetinaNet §4: 256). */
export function resolveNeckChannels(model: ModelConfig): number {
  return model.fpnChannels ?? familyOf(model.arch).defaults.neckChannels?.(model) ?? RETINANET_FPN_CHANNELS;
}

/** Convolutions per head subnet (RetinaNet §4: 4). */
export function resolveHeadConvs(model: ModelConfig): number {
  return model.headConvs ?? familyOf(model.arch).defaults.headConvs?.(model) ?? RETINANET_HEAD_CONVS;
}
