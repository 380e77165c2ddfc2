export { detectorArchs, detectorFamilies, familyOf, isTwoStage, predictsKeypoints, predictsMasks, type DetectorArch } from './registry';
export type { DetectorFamily, IouType, ModelField } from './family';
export {
  DETECTOR_CONFIG_SHAPE,
  DetectorConfigSchema,
  ModelConfigSchema,
  StoredDetectorConfigSchema,
  dropForeignSections,
  withFamilySections,
  type ConfigOfFamily,
  type DetectorConfig,
  type DetectorConfigInput,
  type ModelConfig,
} from './config-schema';
export { COMMON_SECTIONS, detectorConfigOf, familyReadsPath, requireSections, unusedPathMessage, unusedSectionMessage, type KeypointRcnnConfig, type MaskRcnnConfig, type TwoStageConfig } from './sections';
export { resolveBackbone, resolveHeadConvs, resolveInputSize, resolveNeckChannels } from './model-defaults';
