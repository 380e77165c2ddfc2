/** Binary masks as the COCO API encodes them: RLE, polygons, compressed strings and mask IoU. */
export { rleEncode, rleDecode, rleArea, rleToBbox, rleMerge } from './rle';
export type { Rle } from './rle';
export { rleFromPolygon, rleFromBbox } from './rle-polygon';
export { rleToString, rleFromString } from './rle-string';
export { maskIou } from './mask-iou';
export { segmentationToRle, CocoSegmentationError } from './coco-segmentation';
export type { CocoSegmentation, CocoRleObject } from './coco-segmentation';
export { maskTargetFromPolygons, pasteMask } from './mask-targets';
export { maskTargetFromBitmap, maskTargetsFromBitmaps } from './bitmap-targets';
export { pasteDetectionMasks, inputBoxToOriginal } from './paste-detections';
export { hasMasks, detectionSegmentation } from './mask-detections';
export type { MaskDetections } from './mask-detections';
