/**
 * @ablate/data — datasets and the input pipeline: COCO JSON, Pascal VOC XML, synthetic shapes,
 * image decoding, augmentation, batching with prefetch. Its public API is what this file exports.
 */
export * from './dataset/dataset';
export * from './dataset/dataset-error';
export { loadDataset, type LoadDatasetOptions } from './uri/load-dataset';
export { parseDatasetUri, type DatasetRef } from './uri/dataset-uri';
export { dataRootOf } from './uri/data-root';
export { resolveWeightsPath, weightsRootOf } from './uri/weights-path';
export { resolveProposalsPath } from './uri/proposals-path';
export { checkDatasetReference, CHEAP_ANNOTATIONS_BYTES, type DatasetReferenceCheck } from './uri/check-dataset-reference';
export { readCocoDataset, type CocoReadOptions } from './readers/coco-reader';
export { readVocDataset, VOC_CLASSES, type VocReadOptions } from './readers/voc-reader';
export { decodeImageFile, encodePng, loadImagePixels, writePng } from './image/decode';
export { cocoAnnotationsOf, imageFileName, toCocoGroundTruth } from './convert/to-coco';
export { datasetFingerprint } from './uri/dataset-fingerprint';
export { DatasetCache, findImage, imageGroundTruth, imagePng, imageSummary, type GroundTruthObject, type ImageSummary } from './inspect/dataset-images';
export { drawDatasetDetections, drawDetections, type DrawDetectionsOptions, type DrawnImage } from './inspect/draw-detections';
export { syntheticShapes, type SyntheticOptions, type SyntheticSplit } from './synthetic/synthetic-dataset';
export { syntheticPeople } from './synthetic/people-dataset';
export { COCO_KEYPOINT_NAMES, COCO_SKELETON, type StickFigure } from './synthetic/stick-figure';
export { writeSyntheticCoco, type SyntheticSet, type WrittenSynthetic } from './synthetic/write-synthetic';
export { SHAPE_CLASSES, type ShapeKind, type Shape } from './synthetic/shapes';
export { renderSynthetic } from './synthetic/render';
/** Per-pixel instance index of a synthetic scene (the exact masks for instance segmentation). */
export { ownerMap as syntheticInstanceMap } from './synthetic/scene';
export { countAreaRanges, areaRangeOf, COCO_SMALL_MAX_AREA, COCO_MEDIUM_MAX_AREA, type AreaRange } from './synthetic/area-ranges';
export { flipBoxesHorizontal, boxesToInput, boxesToOriginal, clipAndFilterBoxes, type LabelledBoxes, type KeptBoxes } from './augment/box-transforms';
export { masksToInput, instanceMaskBox } from './augment/mask-transforms';
export { keypointsToInput, keypointsToOriginal, selectKeypoints } from './augment/keypoint-transforms';
export { keypointFlipPermutation } from './dataset/keypoints';
export { segmentationOf } from './dataset/segmentation';
export { letterboxPlacement, drawSampleTransform, PHOTOMETRIC_STRENGTH, type AugmentConfig, type PhotometricParams, type SampleTransform } from './augment/augment-params';
export { IMAGENET_MEAN, IMAGENET_STD, normalisePixel, denormalisePixel } from './augment/normalise';
export { rasteriseInput } from './augment/rasterise-input';
export { createTrainSource, DEFAULT_MIN_VISIBLE_FRACTION, DEFAULT_PREFETCH, type TrainSource, type TrainSourceOptions } from './pipeline/train-source';
export { RasterPool } from './pipeline/raster-pool';
export { createEvalBatches, type EvalBatchOptions, type EvalBatches } from './pipeline/eval-batches';
export { Rng, mixSeed } from './synthetic/prng';
export * from './experiment';
