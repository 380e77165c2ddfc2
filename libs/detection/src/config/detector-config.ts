import { z } from 'zod';
import {
  EFFICIENTDET_SCALING,
  RETINANET_ANCHOR_SIZE_MULTIPLIER,
  RETINANET_ASPECT_RATIOS,
  RETINANET_FOCAL_ALPHA,
  RETINANET_FOCAL_GAMMA,
  RETINANET_FPN_CHANNELS,
  RETINANET_HEAD_CONVS,
  RETINANET_LEVELS,
  RETINANET_SCALES_PER_OCTAVE,
} from './paper-constants';

/**
 * The one configuration of a detector and its training, as zod schemas: validated once at the
 * edge (API, CLI), serialisable, stored with every run. `@ablate/jobs` composes these into the
 * RunConfig that a sweep's grid paths (`loss.gamma`, `anchors.scalesPerOctave`, `model.phi` …) address.
 */

export const BACKBONES = [
  'resnet18',
  'resnet34',
  'resnet50',
  'efficientnet-b0',
  'efficientnet-b1',
  'efficientnet-b2',
  'efficientnet-b3',
  'efficientnet-b4',
  'efficientnet-b5',
  'efficientnet-b6',
] as const;

export const ModelConfigSchema = z
  .object({
    /** Detector family. */
    arch: z.enum(['retinanet', 'efficientdet']).default('retinanet'),
    /** Backbone; for EfficientDet the default is B_φ of EfficientDet Table 1. */
    backbone: z.enum(BACKBONES).optional(),
    /** Channel multiplier on the backbone's widths, so CPU runs can use small nets. @defaultValue 1 */
    backboneWidth: z.number().positive().max(4).default(1),
    /** Path of a weights file for the backbone (no pretrained weights are downloaded). */
    backboneWeights: z.string().optional(),
    /** EfficientDet compound coefficient φ (EfficientDet Table 1). @defaultValue 0 */
    phi: z.number().int().min(0).max(7).default(0),
    /** Normalisation in the neck and heads. @defaultValue 'batch' */
    norm: z.enum(['batch', 'group', 'none']).default('batch'),
    /** BiFPN weighted fusion (EfficientDet §3.3). @defaultValue 'fast' */
    fusion: z.enum(['fast', 'softmax', 'sum']).default('fast'),
    /** RetinaNet FPN width; EfficientDet takes W_bifpn from Table 1 unless this is set. */
    fpnChannels: z.number().int().min(8).max(1024).optional(),
    /** Convolutions per head subnet; EfficientDet takes D_class from Table 1 unless set. */
    headConvs: z.number().int().min(1).max(8).optional(),
    /** Square input side in pixels (the `resolution` override); default from the architecture. */
    inputSize: z.number().int().min(32).max(2048).multipleOf(32).optional(),
    /** Number of object classes (background excluded). */
    numClasses: z.number().int().min(1).max(1000).default(1),
  })
  .strict();

export const AnchorConfigSchema = z
  .object({
    /** Pyramid levels l; stride 2^l. @defaultValue [3, 4, 5, 6, 7] */
    levels: z.array(z.number().int().min(2).max(8)).min(1).default([...RETINANET_LEVELS]),
    /** Scales per octave: {2^(i/n)} for i < n. RetinaNet Table 1c varies 1..4. @defaultValue 3 */
    scalesPerOctave: z.number().int().min(1).max(8).default(RETINANET_SCALES_PER_OCTAVE),
    /** Aspect ratios as height / width. @defaultValue [0.5, 1, 2] */
    aspectRatios: z.array(z.number().positive().max(16)).min(1).default([...RETINANET_ASPECT_RATIOS]),
    /** Base anchor side = sizeMultiplier · 2^l. @defaultValue 4 */
    sizeMultiplier: z.number().positive().max(64).default(RETINANET_ANCHOR_SIZE_MULTIPLIER),
    /** Anchor centre within a cell, in strides: centre = (i + offset) · stride. @defaultValue 0.5 */
    offset: z.number().min(0).max(1).default(0.5),
  })
  .strict();

export const LossConfigSchema = z
  .object({
    /** Focal loss γ ≥ 0 (0 is α-balanced cross-entropy). @defaultValue 2 */
    gamma: z.number().min(0).max(20).default(RETINANET_FOCAL_GAMMA),
    /** Focal loss α in [0, 1], or −1 for no weighting. @defaultValue 0.25 */
    alpha: z
      .number()
      .refine((a) => a === -1 || (a >= 0 && a <= 1), { message: 'alpha must be in [0, 1], or -1 for no weighting' })
      .default(RETINANET_FOCAL_ALPHA),
    /** Smooth-L1 β (0 is L1). @defaultValue 0.1 (detectron2's RetinaNet) */
    smoothL1Beta: z.number().min(0).max(10).default(0.1),
    /** Weight of the box loss against the classification loss. @defaultValue 1 */
    boxWeight: z.number().min(0).max(100).default(1),
  })
  .strict();

export const TrainConfigSchema = z
  .object({
    optimizer: z.enum(['sgd', 'adam', 'adamw']).default('sgd'),
    lr: z.number().positive().max(10).default(0.01),
    momentum: z.number().min(0).max(1).default(0.9),
    weightDecay: z.number().min(0).max(1).default(1e-4),
    /** Total optimisation steps. */
    steps: z.number().int().min(1).max(10_000_000).default(1000),
    batchSize: z.number().int().min(1).max(1024).default(8),
    warmupSteps: z.number().int().min(0).default(100),
    /** Learning rate at step 0 of the warmup, as a fraction of `lr`. */
    warmupFactor: z.number().min(0).max(1).default(0.001),
    schedule: z.enum(['constant', 'step', 'cosine']).default('cosine'),
    /** For 'step': fractions of `steps` where lr is multiplied by `decayFactor` (RetinaNet: 60k and 80k of 90k). */
    milestones: z.array(z.number().gt(0).lt(1)).default([2 / 3, 8 / 9]),
    decayFactor: z.number().gt(0).max(1).default(0.1),
    /** Clip gradients by global norm; absent = no clipping. */
    clipGradNorm: z.number().positive().optional(),
    /** EMA decay of the weights; absent = no EMA. */
    emaDecay: z.number().gt(0).lt(1).optional(),
    /** Checkpoint every N steps. */
    checkpointEvery: z.number().int().min(1).default(100),
    /** Augmentation switches. */
    augment: z
      .object({
        flip: z.boolean().default(true),
        scaleJitter: z.tuple([z.number().positive(), z.number().positive()]).default([0.8, 1.2]),
        photometric: z.boolean().default(true),
      })
      .strict()
      .default({ flip: true, scaleJitter: [0.8, 1.2], photometric: true }),
  })
  .strict();

export const DetectorConfigSchema = z
  .object({
    model: ModelConfigSchema.default(ModelConfigSchema.parse({})),
    anchors: AnchorConfigSchema.default(AnchorConfigSchema.parse({})),
    loss: LossConfigSchema.default(LossConfigSchema.parse({})),
  })
  .strict();

export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type AnchorConfig = z.infer<typeof AnchorConfigSchema>;
export type LossConfig = z.infer<typeof LossConfigSchema>;
export type TrainConfig = z.infer<typeof TrainConfigSchema>;
export type DetectorConfig = z.infer<typeof DetectorConfigSchema>;

/** The input side a model trains at: the override if given, else EfficientDet Table 1, else 512. */
export function resolveInputSize(model: ModelConfig): number {
  if (model.inputSize !== undefined) return model.inputSize;
  return model.arch === 'efficientdet' ? EFFICIENTDET_SCALING[model.phi].inputSize : 512;
}

/** The backbone a model uses: the explicit one, else B_φ for EfficientDet, else ResNet-50. */
export function resolveBackbone(model: ModelConfig): (typeof BACKBONES)[number] {
  if (model.backbone !== undefined) return model.backbone;
  return model.arch === 'efficientdet' ? `efficientnet-${EFFICIENTDET_SCALING[model.phi].backbone}` : 'resnet50';
}

/** Neck width: explicit, else W_bifpn (EfficientDet Table 1), else 256 (RetinaNet). */
export function resolveNeckChannels(model: ModelConfig): number {
  if (model.fpnChannels !== undefined) return model.fpnChannels;
  return model.arch === 'efficientdet' ? EFFICIENTDET_SCALING[model.phi].bifpnChannels : RETINANET_FPN_CHANNELS;
}

/** Head depth: explicit, else D_class (EfficientDet Table 1), else 4 (RetinaNet). */
export function resolveHeadConvs(model: ModelConfig): number {
  if (model.headConvs !== undefined) return model.headConvs;
  return model.arch === 'efficientdet' ? EFFICIENTDET_SCALING[model.phi].headLayers : RETINANET_HEAD_CONVS;
}
