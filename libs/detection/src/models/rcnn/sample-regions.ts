import type { RcnnConfig } from '../../config';
import { sampleRois, type RoiSample } from '../../roi';

/**
 * One image's training regions as R-CNN samples them (§2.3): its proposals (flat 4·P XYXY) and
 * its ground-truth boxes (R-CNN fine-tunes on those too, as its released code's window files do)
 * labelled by their best IoU with a ground truth — class + 1 at IoU ≥ `fgIou` (0.5), background
 * (0) in [`bgLow`, `fgIou`) — then `batchPerImage` drawn with at most `positiveFraction` (25 %)
 * positives, the rest background (all background when the image has no positive).
 */
export function sampleRegions(
  proposals: Float32Array,
  gtBoxes: Float32Array,
  gtLabels: Int32Array,
  config: Pick<RcnnConfig, 'batchPerImage' | 'positiveFraction' | 'fgIou' | 'bgLow'>,
  random: () => number,
): RoiSample {
  return sampleRois(proposals, gtBoxes, gtLabels, {
    batchSize: config.batchPerImage,
    positiveFraction: config.positiveFraction,
    foregroundIou: config.fgIou,
    backgroundIou: [config.bgLow, config.fgIou],
    appendGroundTruth: true,
    random,
  });
}
