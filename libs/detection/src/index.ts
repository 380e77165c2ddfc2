/**
 * @ablate/detection — the detector: pure TypeScript and TensorFlow.js. Knows nothing of HTTP,
 * queues or SQL. Its public API is what this file exports: the names other packages (apps, data,
 * bench) use, listed one by one so that an internal helper never becomes API by accident. Inside
 * the library, modules import each other by relative path; a name is added here when another
 * package needs it.
 */
export { type TrainConfig } from './config';
// mulberry32: the seeded generator sweeps sample with too (the same samplerSeed, the same runs everywhere).
export { mulberry32 } from './nn/random';
export {
  detectorArchs,
  detectorFamilies,
  DetectorConfigSchema,
  dropForeignSections,
  familyOf,
  familyReadsPath,
  unusedPathMessage,
  unusedSectionMessage,
  predictsKeypoints,
  predictsMasks,
  resolveBackbone,
  resolveInputSize,
  type DetectorArch,
  type DetectorConfig,
  type DetectorFamily,
  type IouType,
  type ModelConfig,
} from './families';
export { type ImageMeta, type InstanceMasks, type TrainBatch, type TrainDataSource } from './structures';
export { iou } from './boxes';
export { generateAnchors } from './anchors';
export { RPN_MATCHER, matchAnchors } from './matcher';
export { batchedNms } from './postprocess';
export {
  COCO_STAT_KEYS,
  CocoInputError,
  COCO_KEYPOINT_STAT_KEYS,
  evaluateCoco,
  evaluateCocoKeypoints,
  evaluateCocoSegm,
  evaluateVoc,
  formatCocoKeypointSummary,
  formatCocoSummary,
  formatFixed,
  parseJson,
  readCocoResults,
  validateCocoGroundTruth,
  validateCocoKeypointResults,
  validateCocoSegmResults,
  hasCocoKeypoints,
  requireCocoKeypoints,
  type CocoKeypointDetection,
  type CocoKeypointEvalResult,
  type CocoKeypointStats,
  type CocoAnnotation,
  type CocoCategory,
  type CocoDataset,
  type CocoDetection,
  type CocoEvalResult,
  type CocoSegmDetection,
  type CocoStats,
} from './eval';
export {
  FasterRcnn,
  Rcnn,
  ModelConfigError,
  boxHeadTargets,
  buildDetector,
  nn,
  rpnTargets,
  seededRandom,
  type Detector,
} from './models';
export { maskRoiAlign } from './models/two-stage/mask-pooler';
/** A backend against a reference one (gradients, losses of a few steps): the webgpu specs and `npm run bench:gpu`. */
export { gradientErrors, trainedLosses, median } from './train/backend-parity';
export {
  CheckpointError,
  Optimizer,
  RunConfigError,
  RunConfigSchema,
  StoredRunConfigSchema,
  measureTrainStepSeconds,
  parseRunConfig,
  readCheckpointFile,
  trainDetector,
  writeCheckpointFile,
  type RunConfig,
  type RunConfigInput,
  type StepCostMeasurement,
  type TrainHooks,
  type TrainProgress,
  type TrainResult,
} from './train';
export {
  detectorFromCheckpoint,
  evaluateDetector,
  predictAll,
  scoreDetections,
  type DetectorEvaluation,
  type IouTypeScore,
  type ScoresByIouType,
  type EvalSource,
  type PredictOptions,
} from './predict';
export { sampleRois } from './roi';
export {
  CocoSegmentationError,
  maskTargetsFromBitmaps,
  rleDecode,
  rleEncode,
  rleFromPolygon,
  rleFromString,
  rleToBbox,
  rleToString,
  segmentationToRle,
  type Rle,
} from './masks';
export {
  MEMORY_KNOBS,
  RUN_MEMORY_LIMIT_VARIABLE,
  RunMemoryError,
  assertFitsBackend,
  assertFitsMemory,
  estimateRunMemory,
  featureDensity,
} from './memory';
