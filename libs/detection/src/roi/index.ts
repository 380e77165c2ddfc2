/** RoI feature extraction for the two-stage detectors: RoIAlign, RoIPool and FPN level assignment. */
export { roiAlign, roiAlignAxisTaps, roiAlignTaps } from './roi-align';
export type { RoiAlignOptions } from './roi-align';
export { roiPool } from './roi-pool';
export type { RoiPoolOptions } from './roi-pool';
export { multiLevelRoiAlign } from './multi-level-roi-align';
export type { MultiLevelRoiAlignOptions } from './multi-level-roi-align';
export { assignFpnLevels } from './fpn-levels';
export type { FpnLevelOptions } from './fpn-levels';
export type { BoxesInput, ImageIndexInput } from './roi-gather';
export { sampleRois, sampleBalanced } from './sample-rois';
export type { RoiSample, RoiSamplingOptions } from './sample-rois';
