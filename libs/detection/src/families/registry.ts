import { ModelConfigError } from '../models/model-error';
import { efficientdet } from './efficientdet';
import { fasterRcnn } from './faster-rcnn';
import { keypointRcnn } from './keypoint-rcnn';
import type { DetectorFamily } from './family';
import { maskRcnn } from './mask-rcnn';
import { rcnn } from './rcnn';
import { retinanet } from './retinanet';

/**
 * Every detector family, in the order listings show them. The one list to extend with a new
 * family: `model.arch`'s values, the config's optional sections and their types derive from it.
 * A function, read on first use, because the families' builders import helpers that read the
 * registry: importing a family's folder first must not find the list half-made.
 */
export function detectorFamilies() {
  return [retinanet, efficientdet, fasterRcnn, maskRcnn, keypointRcnn, rcnn] as const;
}

type Families = ReturnType<typeof detectorFamilies>[number];
export type DetectorArch = Families['arch'];

let byArch: Map<string, DetectorFamily> | undefined;

/** The values `model.arch` accepts. */
export function detectorArchs(): [DetectorArch, ...DetectorArch[]] {
  return detectorFamilies().map((f) => f.arch) as [DetectorArch, ...DetectorArch[]];
}

/** The family `arch` names. @throws ModelConfigError ('model.arch') for an arch no family registers. */
export function familyOf(arch: string): DetectorFamily {
  byArch ??= new Map(detectorFamilies().map((f) => [f.arch, f as DetectorFamily]));
  const family = byArch.get(arch);
  if (family === undefined) throw new ModelConfigError('model.arch', `'${arch}' is not a detector family (${detectorArchs().join(', ')})`);
  return family;
}

/** True for a family with a region proposal stage (its config has `rpn` and `roi`). */
export function isTwoStage(arch: string): boolean {
  return 'rpn' in familyOf(arch).sections;
}

/** True when the family predicts instance masks, so its evaluations score segm too. */
export function predictsMasks(model: { arch: string }): boolean {
  return familyOf(model.arch).iouTypes.includes('segm');
}

/** True when the family predicts keypoints, so its evaluations score keypoints (OKS) too. */
export function predictsKeypoints(model: { arch: string }): boolean {
  return familyOf(model.arch).iouTypes.includes('keypoints');
}
