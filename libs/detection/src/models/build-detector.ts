import { generateAnchors } from '../anchors';
import { EFFICIENTDET_SCALING, RETINANET_HEAD_INIT_STD, type DetectorConfig } from '../config';
import { detectorConfigOf } from '../families/sections';
import { familyOf } from '../families/registry';
import { resolveBackbone, resolveHeadConvs, resolveInputSize, resolveNeckChannels } from '../families/model-defaults';
import { ParamStore, normal } from '../nn';
import { loadBackboneWeights } from './backbones/backbone-weights';
import { buildBackbone } from './backbones/build-backbone';
import { DenseHead } from './heads/dense-head';
import { ModelConfigError } from './model-error';
import type { FasterRcnn } from './two-stage/faster-rcnn';
import type { Rcnn } from './rcnn/rcnn';
import { BiFpn } from './necks/bifpn';
import { Fpn } from './necks/fpn';
import type { Neck } from './necks/neck';
import { OneStageDetector } from './one-stage-detector';

/** Options of {@link buildDetector}. */
export interface BuildDetectorOptions {
  /** Seed of every initial weight (a weight's value depends on the seed and its name only). @defaultValue 0 */
  seed?: number;
  /**
   * Zero-fill the variables instead of initialising them: the structure and parameter count are
   * real, the weights useless. For inspecting large configurations fast. @defaultValue false
   */
  structureOnly?: boolean;
  /**
   * Load `model.backboneWeights` when the config names a file. Pass false when every variable is
   * about to be overwritten anyway (restoring a checkpoint), so the file need not exist there.
   * @defaultValue true
   */
  loadBackboneWeights?: boolean;
}

/** Any detector `buildDetector` makes. */
export type BuiltDetector = OneStageDetector | FasterRcnn | Rcnn;

/**
 * Builds the detector `config.model.arch` names, by its family's builder (families/registry.ts):
 * RetinaNet or EfficientDet ({@link buildOneStageDetector}), Faster R-CNN, Mask R-CNN. A RunConfig
 * may be passed: the detector keeps its detector sections only.
 *
 * @throws ModelConfigError naming the field if the config cannot make a model.
 */
export function buildDetector(config: DetectorConfig, options: BuildDetectorOptions = {}): BuiltDetector {
  // A RunConfig may be passed: the detector (and the checkpoints it writes) keep its detector part only.
  return familyOf(config.model.arch).build(detectorConfigOf(config), options);
}

/**
 * Runs `build` with a fresh ParamStore seeded by `options.seed`, loads `model.backboneWeights`
 * into the result, and disposes the store if anything throws. For two-stage builders.
 */
export function withParams<T>(
  config: DetectorConfig,
  options: BuildDetectorOptions,
  build: (params: ParamStore) => T,
): T {
  const { model } = config;
  const params = new ParamStore(options.seed ?? 0, options.structureOnly ?? false);
  try {
    const detector = build(params);
    if (model.backboneWeights !== undefined && (options.loadBackboneWeights ?? true)) loadBackboneWeights(params.all(), model.backboneWeights);
    return detector;
  } catch (e) {
    params.dispose();
    if (e instanceof ModelConfigError && e.field.startsWith(model.backboneWeights ?? '\0')) {
      throw new ModelConfigError(`model.backboneWeights (${e.field})`, e.reason);
    }
    throw e;
  }
}

/**
 * Builds RetinaNet or EfficientDet from a validated DetectorConfig (the edge where configuration
 * meets the parts; the parts themselves take plain options):
 *
 * - RetinaNet: backbone (default ResNet-50, `model.backboneWidth`) → FPN (`resolveNeckChannels`,
 *   256) → ReLU conv heads of `resolveHeadConvs` (4) 3×3 convs, σ = 0.01 init.
 * - EfficientDet φ: EfficientNet B_φ → BiFPN of D_bifpn layers at W_bifpn channels with
 *   `model.fusion` → swish separable-conv heads of D_class layers (EfficientDet Table 1).
 *
 * Norm in the neck and heads is `model.norm`; backbones always use batch norm. The pyramid levels
 * and anchors are `config.anchors`; the input side is `resolveInputSize(config.model)`.
 * If `model.backboneWeights` is set, that file is loaded into the backbone (see `loadBackboneWeights`).
 *
 * @throws ModelConfigError naming the field if the config cannot make a model.
 */
export function buildOneStageDetector(config: DetectorConfig, options: BuildDetectorOptions = {}): OneStageDetector {
  const { model, anchors } = config;
  if (model.arch !== 'retinanet' && model.arch !== 'efficientdet') throw new ModelConfigError('model.arch', `'${model.arch}' is not a one-stage detector`);
  const levels = anchors.levels;
  if (new Set(levels).size !== levels.length) throw new ModelConfigError('anchors.levels', `repeats a level: [${levels.join(', ')}]`);
  const inputSize = resolveInputSize(model);
  const anchorSet = generateAnchors(anchors, inputSize);
  const params = new ParamStore(options.seed ?? 0, options.structureOnly ?? false);
  try {
    const backbone = buildBackbone(params.scope('backbone'), resolveBackbone(model), model.backboneWidth);
    for (const l of levels.filter((l) => l <= 5)) {
      if (!backbone.channels.has(l)) throw new ModelConfigError('anchors.levels', `${backbone.name} has no feature at level ${l}`);
    }
    const channels = resolveNeckChannels(model);
    const neck: Neck =
      model.arch === 'retinanet'
        ? new Fpn(params.scope('neck'), { inChannels: backbone.channels, levels, channels, norm: model.norm })
        : new BiFpn(params.scope('neck'), {
            inChannels: backbone.channels,
            levels,
            channels,
            layers: EFFICIENTDET_SCALING[model.phi].bifpnLayers,
            fusion: model.fusion,
            norm: model.norm,
          });
    const efficientdet = model.arch === 'efficientdet';
    const head = new DenseHead(params.scope('head'), {
      levels,
      inChannels: channels,
      numAnchors: anchorSet.anchorsPerPosition,
      numClasses: model.numClasses,
      numConvs: resolveHeadConvs(model),
      convKind: efficientdet ? 'separable' : 'conv',
      activation: efficientdet ? 'swish' : 'relu',
      norm: model.norm,
      batchNorm: efficientdet ? { epsilon: 1e-3 } : {},
      init: normal(RETINANET_HEAD_INIT_STD),
    });
    if (model.backboneWeights !== undefined && (options.loadBackboneWeights ?? true)) loadBackboneWeights(params.all(), model.backboneWeights);
    return new OneStageDetector({ config, inputSize, anchorSet, params, backbone, neck, head });
  } catch (e) {
    params.dispose();
    if (e instanceof ModelConfigError && e.field.startsWith(model.backboneWeights ?? '\0')) {
      throw new ModelConfigError(`model.backboneWeights (${e.field})`, e.reason);
    }
    throw e;
  }
}
