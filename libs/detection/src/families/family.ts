import type { z } from 'zod';
import type { BACKBONES, ModelConfig } from '../config';
import type { BuildDetectorOptions, BuiltDetector } from '../models/build-detector';
import type { DetectorConfig } from './config-schema';

/** A field of the `model` section besides `arch` (`phi`, `fusion`, `headConvs` …). */
export type ModelField = Exclude<keyof ModelConfig, 'arch'>;

/** The COCO evaluation types a family's detections are scored by (pycocotools' `iouType`). */
export type IouType = 'bbox' | 'segm' | 'keypoints';

/**
 * The architecture defaults a family sets where `model` leaves a field out (EfficientDet takes
 * them from its Table 1 by φ). A family that omits one gets RetinaNet's (see model-defaults.ts).
 */
export interface FamilyModelDefaults {
  inputSize?(model: ModelConfig): number;
  backbone?(model: ModelConfig): (typeof BACKBONES)[number];
  neckChannels?(model: ModelConfig): number;
  headConvs?(model: ModelConfig): number;
}

/**
 * How a family's training memory is estimated before a run starts (memory/memory-estimate.ts):
 * the feature floats its neck, heads and RoI heads write, and the bytes each costs on the wasm
 * backend, calibrated by `npm run bench:memory` (bench/memory-peaks.ts).
 */
export interface FamilyMemoryModel {
  /** Measured bytes of wasm heap per feature float of this family (memory-estimate.ts has the table). */
  activationBytesPerFeatureFloat: number;
  /**
   * Whether the backbone runs on the input image (its maps count per input pixel). R-CNN's runs on
   * the warped regions instead and counts them in `perImage`. @defaultValue true
   */
  backboneOnImage?(config: DetectorConfig): boolean;
  /** Feature floats per input pixel of the neck and dense heads. */
  neckAndHeadsPerPixel(config: DetectorConfig): number;
  /** Feature floats per image that do not scale with its area (the RoI heads); 0 for dense detectors. */
  perImage(config: DetectorConfig): number;
}

/**
 * A detector family, the unit of detectron2's `META_ARCH_REGISTRY`: everything the rest of Ablate
 * needs to know about an architecture, in the family's own folder. Adding a family is a folder
 * with one of these and a line in families/registry.ts; the config schema, the sweep paths, the
 * training pipeline, the evaluator and the memory check read it from there.
 */
export interface DetectorFamily<Arch extends string = string, Sections extends Record<string, z.ZodType> = Record<string, z.ZodType>> {
  /** The value of `model.arch` that selects it. */
  readonly arch: Arch;
  /** What it is, with its paper, for listings and docs. */
  readonly title: string;
  /**
   * The config sections it reads besides `model`, `anchors`, `matcher` and `loss` (Faster R-CNN:
   * `rpn`, `roi`). A run of this family gets them with their defaults; a run of another family
   * that sets them is refused, naming the section.
   */
  readonly sections: Sections;
  /** Builds the detector from a config of this family. @throws ModelConfigError naming the field. */
  build(config: DetectorConfig, options: BuildDetectorOptions): BuiltDetector;
  /**
   * What a training batch must carry besides boxes and classes: instance masks (`gtMasks`),
   * keypoints (`gtKeypoints`, N·K·3 (x, y, v) per image in input pixels).
   */
  readonly targets: { readonly masks: boolean; readonly keypoints: boolean };
  /** The evaluations its detections get: 'bbox' always, 'segm' for instance masks, 'keypoints' for keypoints (OKS). */
  readonly iouTypes: readonly IouType[];
  readonly defaults: FamilyModelDefaults;
  /**
   * The `model` fields its builder and defaults read. A sweep axis over a field no family of the
   * sweep reads (`model.phi` on RetinaNet) is refused, and over several architectures it applies
   * only to the runs whose family reads it (families/sections.ts `familyReadsPath`).
   */
  readonly modelFields: readonly ModelField[];
  readonly memory: FamilyMemoryModel;
}
