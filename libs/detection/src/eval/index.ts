export * from './coco-format';
export {
  CocoInputError,
  parseJson,
  validateCocoGroundTruth,
  validateCocoResults,
  readCocoResults,
  formatJsonPath,
} from './coco-input';
export { scanCocoResults, columnsFromDetections, detectionsFromColumns } from './coco-results-reader';
export type { CocoResultsColumns } from './coco-results-reader';
export { evaluateCoco, evaluateCocoTables } from './coco-eval';
export type { CocoEvalOptions, CocoEvalResult, CocoCategoryAp } from './coco-eval';
export { defaultCocoEvalParams, defaultCocoKeypointParams, numpyLinspace, COCO_EVAL_IOU_THRESHOLDS, COCO_EVAL_RECALL_THRESHOLDS } from './coco-params';
export type { CocoEvalParams } from './coco-params';
export { COCO_STAT_KEYS, COCO_KEYPOINT_STAT_KEYS, formatCocoSummary, formatCocoKeypointSummary, formatFixed } from './coco-summary';
export type { CocoStats, CocoStatKey, CocoKeypointStats, CocoKeypointStatKey } from './coco-summary';
export type { NdArray } from './coco-accumulate';
export { buildCocoEvalTables } from './coco-tables';
export type { CocoEvalTables } from './coco-tables';
export { vocAp, evaluateVoc, VOC_IOU_THRESHOLD, VOC_ABSENT } from './voc-eval';
export type { VocMetric, VocEvalOptions, VocEvalResult, VocCategoryAp } from './voc-eval';
export { evaluateCocoSegm, validateCocoSegmResults, buildCocoSegmTables } from './coco-segm';
export type { CocoSegmDetection } from './coco-segm';
export { evaluateCocoKeypoints, validateCocoKeypointResults, buildCocoKeypointTables, hasCocoKeypoints, requireCocoKeypoints } from './coco-keypoints';
export type { CocoKeypointDetection, CocoKeypointEvalOptions, CocoKeypointEvalResult } from './coco-keypoints';
