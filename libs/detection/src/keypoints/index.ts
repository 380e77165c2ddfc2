/** Keypoints of Mask R-CNN's keypoint head (§5): heatmap targets and decoding, and their COCO results form. */
export { keypointHeatmapTargets, heatmapsToKeypoints, NO_KEYPOINT_TARGET, type KeypointHeatmapTargets } from './keypoint-heatmaps';
export { hasKeypoints, detectionKeypoints, continuousKeypoints, PREDICTED_KEYPOINT_VISIBILITY, type KeypointDetections } from './keypoint-detections';
