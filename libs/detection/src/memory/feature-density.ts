import {
  EFFICIENTNET_SCALING,
  EFFICIENTNET_STEM_CHANNELS,
  RESNET_BOTTLENECK_EXPANSION,
  RESNET_LAYOUTS,
  RESNET_STAGE_WIDTHS,
  RESNET_STEM_CHANNELS,
  type DetectorConfig,
} from '../config';
import { familyOf } from '../families/registry';
import { resolveBackbone } from '../families/model-defaults';
import { roundFilters, scaledStages, type EfficientNetVariant } from '../models/backbones/efficientnet';
import { scaleWidth, type ResNetDepth } from '../models/backbones/resnet';

/**
 * The feature maps a detector computes per training image, counted in channels of an output at
 * stride 2^l weighted by 4^-l: the floats its layers write per input pixel. The trainer keeps
 * every one of them (and the norm and activation outputs beside it) for the backward pass, so a
 * run's activation memory is `B · S² · this · (bytes and tensors per layer output)`.
 */
export interface FeatureDensity {
  /** Floats per input pixel written by the convolutions of the backbone, neck and dense heads. */
  perPixel: number;
  /** Floats per image that do not scale with its area: the RoI heads of the two-stage families. */
  perImage: number;
}

/** Feature floats per input pixel of a ResNet's convolutions (stem, then every block's convs and projection). */
function resnetDensity(depth: ResNetDepth, width: number): number {
  const layout = RESNET_LAYOUTS[depth];
  let floats = scaleWidth(RESNET_STEM_CHANNELS, width) / 4 ** 1;
  layout.blocks.forEach((blocks, i) => {
    const c = scaleWidth(RESNET_STAGE_WIDTHS[i], width);
    const out = layout.block === 'basic' ? c : c * RESNET_BOTTLENECK_EXPANSION;
    const perBlock = layout.block === 'basic' ? 2 * c : 2 * c + out;
    // The first block of a stage adds its projection shortcut.
    floats += (blocks * perBlock + out) / 4 ** (i + 2);
  });
  return floats;
}

/** Feature floats per input pixel of an EfficientNet: stem, and per MBConv its expansion, depthwise conv and projection. */
function efficientnetDensity(variant: EfficientNetVariant, width: number): number {
  let inC = roundFilters(EFFICIENTNET_STEM_CHANNELS, EFFICIENTNET_SCALING[variant].width * width);
  let level = 1;
  let floats = inC / 4 ** level;
  for (const stage of scaledStages(variant, width)) {
    for (let j = 0; j < stage.repeats; j++) {
      const expanded = inC * stage.expandRatio;
      const expand = stage.expandRatio === 1 ? 0 : expanded / 4 ** level;
      if (j === 0 && stage.stride === 2) level++;
      floats += expand + (expanded + stage.channels) / 4 ** level;
      inC = stage.channels;
    }
  }
  return floats;
}

/** Feature floats per input pixel of `config`'s backbone. */
export function backboneDensity(config: DetectorConfig): number {
  const name = resolveBackbone(config.model);
  const width = config.model.backboneWidth;
  return name.startsWith('efficientnet-')
    ? efficientnetDensity(name.slice('efficientnet-'.length) as EfficientNetVariant, width)
    : resnetDensity(name as ResNetDepth, width);
}

/** Channels of `config`'s backbone map at level l (stride 2^l), as the builders make them. */
export function backboneChannelsAt(config: DetectorConfig, level: number): number {
  const name = resolveBackbone(config.model);
  const width = config.model.backboneWidth;
  if (!name.startsWith('efficientnet-')) {
    const layout = RESNET_LAYOUTS[name as ResNetDepth];
    const c = scaleWidth(RESNET_STAGE_WIDTHS[Math.min(3, Math.max(0, level - 2))], width);
    return layout.block === 'basic' ? c : c * RESNET_BOTTLENECK_EXPANSION;
  }
  let at = 1;
  let channels = roundFilters(EFFICIENTNET_STEM_CHANNELS, EFFICIENTNET_SCALING[name.slice('efficientnet-'.length) as EfficientNetVariant].width * width);
  for (const stage of scaledStages(name.slice('efficientnet-'.length) as EfficientNetVariant, width)) {
    if (stage.stride === 2) at++;
    if (at > level) break;
    channels = stage.channels;
  }
  return channels;
}

/** Σ_l 4^-l over the pyramid levels the neck and heads run on. */
export function pyramidArea(levels: readonly number[]): number {
  return levels.reduce((sum, l) => sum + 4 ** -l, 0);
}

/** Logits and box deltas per anchor of a dense head (or an RPN), with their targets and loss terms beside them. */
export function densePredictionFloats(config: DetectorConfig): number {
  const { model, anchors } = config;
  const anchorsPerCell = anchors.scalesPerOctave * anchors.aspectRatios.length;
  return anchorsPerCell * (model.numClasses + 4) * pyramidArea(anchors.levels);
}

/**
 * The feature maps of `config`'s detector per training image (see {@link FeatureDensity}): the
 * backbone's here, the neck's, heads' and RoI heads' from the family's memory model.
 */
export function featureDensity(config: DetectorConfig): FeatureDensity {
  const { memory } = familyOf(config.model.arch);
  const backbone = (memory.backboneOnImage?.(config) ?? true) ? backboneDensity(config) : 0;
  return { perPixel: backbone + memory.neckAndHeadsPerPixel(config), perImage: memory.perImage(config) };
}
