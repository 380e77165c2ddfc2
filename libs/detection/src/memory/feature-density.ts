import {
  EFFICIENTDET_SCALING,
  EFFICIENTNET_SCALING,
  EFFICIENTNET_STEM_CHANNELS,
  RESNET_BOTTLENECK_EXPANSION,
  RESNET_LAYOUTS,
  RESNET_STAGE_WIDTHS,
  RESNET_STEM_CHANNELS,
  ROI_BOX_POOL_SIZE,
  ROI_MASK_POOL_SIZE,
  isTwoStage,
  resolveBackbone,
  resolveHeadConvs,
  resolveNeckChannels,
  type DetectorConfig,
} from '../config';
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

function backboneDensity(config: DetectorConfig): number {
  const name = resolveBackbone(config.model);
  const width = config.model.backboneWidth;
  return name.startsWith('efficientnet-')
    ? efficientnetDensity(name.slice('efficientnet-'.length) as EfficientNetVariant, width)
    : resnetDensity(name as ResNetDepth, width);
}

/** Σ_l 4^-l over the pyramid levels the neck and heads run on. */
function pyramidArea(levels: readonly number[]): number {
  return levels.reduce((sum, l) => sum + 4 ** -l, 0);
}

/**
 * Conv outputs per pyramid level of the neck and the dense heads, in units of the neck width:
 * FPN a lateral and an output conv; BiFPN about two fusion nodes a level and layer, each a
 * resample, a depthwise and a pointwise conv; the heads' two subnets of `headConvs` convs
 * (separable ones, depthwise + pointwise, in EfficientDet).
 */
function neckAndHeadDensity(config: DetectorConfig): number {
  const { model, anchors } = config;
  const channels = resolveNeckChannels(model);
  const headConvs = resolveHeadConvs(model);
  const area = pyramidArea(anchors.levels);
  const anchorsPerCell = anchors.scalesPerOctave * anchors.aspectRatios.length;
  // Logits and box deltas per anchor, and their targets and loss terms beside them.
  const predictions = anchorsPerCell * (model.numClasses + 4) * area;
  if (model.arch === 'efficientdet') {
    const layers = EFFICIENTDET_SCALING[model.phi].bifpnLayers;
    return channels * area * (2 * 3 * layers + 2 * 2 * headConvs) + predictions;
  }
  // Two-stage: one RPN conv a level instead of the two subnets.
  const heads = isTwoStage(model.arch) ? 1 : 2 * headConvs;
  return channels * area * (2 + heads) + predictions;
}

/**
 * Floats per image of the RoI heads: the pooled features and hidden layers of each sampled RoI,
 * and for Mask R-CNN the mask branch's maps of each foreground RoI.
 */
function roiDensity(config: DetectorConfig): number {
  if (!isTwoStage(config.model.arch)) return 0;
  const { roi, mask, model } = config;
  const channels = resolveNeckChannels(model);
  const boxHead = roi.boxHead === '2fc' ? 2 * roi.fcDim : 4 * roi.convDim * ROI_BOX_POOL_SIZE ** 2 + roi.fcDim;
  let floats = roi.batchPerImage * (channels * ROI_BOX_POOL_SIZE ** 2 + boxHead);
  if (model.arch === 'mask-rcnn') {
    const foreground = Math.ceil(roi.batchPerImage * roi.positiveFraction);
    const maskMaps = ROI_MASK_POOL_SIZE ** 2 * (channels + mask.numConvs * mask.convDim) + (2 * ROI_MASK_POOL_SIZE) ** 2 * (mask.convDim + model.numClasses);
    floats += foreground * maskMaps;
  }
  return floats;
}

/** The feature maps of `config`'s detector per training image (see {@link FeatureDensity}). */
export function featureDensity(config: DetectorConfig): FeatureDensity {
  return { perPixel: backboneDensity(config) + neckAndHeadDensity(config), perImage: roiDensity(config) };
}
