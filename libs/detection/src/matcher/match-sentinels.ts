/**
 * Sentinels in a match vector (`matchAnchors`), as torchvision's `Matcher` names them.
 * A match value ≥ 0 is the index of the ground-truth box the anchor is assigned to.
 */

/** Best IoU below the background threshold: a negative (background) anchor. */
export const BELOW_LOW_THRESHOLD = -1;
/** Best IoU between the two thresholds: ignored by the losses. */
export const BETWEEN_THRESHOLDS = -2;

/** Alias of BELOW_LOW_THRESHOLD: the anchor is background. */
export const MATCH_BACKGROUND = BELOW_LOW_THRESHOLD;
/** Alias of BETWEEN_THRESHOLDS: the anchor is ignored. */
export const MATCH_IGNORE = BETWEEN_THRESHOLDS;
