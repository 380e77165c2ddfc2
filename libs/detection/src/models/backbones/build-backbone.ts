import { BACKBONES } from '../../config';
import type { Scope } from '../../nn';
import type { Backbone } from './backbone';
import { EfficientNet, type EfficientNetVariant } from './efficientnet';
import { ResNet, type ResNetDepth } from './resnet';

export type BackboneName = (typeof BACKBONES)[number];

/** Builds a backbone by its config name ('resnet50', 'efficientnet-b3', …) with a width multiplier. */
export function buildBackbone(scope: Scope, name: BackboneName, width = 1): Backbone {
  if (name.startsWith('efficientnet-')) {
    return new EfficientNet(scope, { variant: name.slice('efficientnet-'.length) as EfficientNetVariant, width });
  }
  return new ResNet(scope, { depth: name as ResNetDepth, width });
}
