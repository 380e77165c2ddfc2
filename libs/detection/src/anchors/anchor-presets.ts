import {
  RETINANET_ANCHOR_SIZE_MULTIPLIER,
  RETINANET_ASPECT_RATIOS,
  RETINANET_LEVELS,
  RETINANET_SCALES_PER_OCTAVE,
  type AnchorConfig,
} from '../config';

/**
 * RetinaNet anchors (RetinaNet §3 "Anchors", Table 1c): P3–P7, sizes {2^0, 2^(1/3), 2^(2/3)}·4·2^l,
 * ratios {1:2, 1:1, 2:1}: 9 per position. The constants live in config/paper-constants.ts.
 */
export const RETINANET_ANCHORS: AnchorConfig = {
  levels: [...RETINANET_LEVELS],
  scalesPerOctave: RETINANET_SCALES_PER_OCTAVE,
  aspectRatios: [...RETINANET_ASPECT_RATIOS],
  sizeMultiplier: RETINANET_ANCHOR_SIZE_MULTIPLIER,
  offset: 0.5,
};

/**
 * FPN / Faster R-CNN anchors: one size per level. FPN §4.1 (Lin et al. 2017, arXiv:1612.03144):
 * "anchors to have areas of {32², 64², 128², 256², 512²} pixels on {P2, P3, P4, P5, P6}
 * respectively … multiple aspect ratios {1:2, 1:1, 2:1}": side 8·2^l on P2–P6 (8·2² = 32), one
 * scale per octave, 3 anchors per position.
 */
export const FPN_ANCHORS: AnchorConfig = {
  levels: [2, 3, 4, 5, 6],
  scalesPerOctave: 1,
  aspectRatios: [0.5, 1, 2],
  sizeMultiplier: 8,
  offset: 0.5,
};
