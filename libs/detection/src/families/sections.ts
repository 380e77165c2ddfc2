import type { z } from 'zod';
import type { KeypointConfig, MaskConfig, ProposalConfig, RcnnConfig, RoiConfig, RpnConfig } from '../config';
import { ModelConfigError } from '../models/model-error';
import type { DetectorConfig, FamilySections } from './config-schema';
import { detectorFamilies } from './registry';

/*
 * Helpers on a config's sections that the families' builders and the models use. They live apart
 * from config-schema.ts, whose schemas are built from the registry when it loads: the families
 * import these while the registry is still loading.
 */

/** The sections every family reads; the families add theirs (rpn, roi, mask …). */
export const COMMON_SECTIONS = ['model', 'anchors', 'matcher', 'loss'] as const;

/** The config of a two-stage family (Faster R-CNN and those built on it): `rpn` and `roi` present. */
export type TwoStageConfig = DetectorConfig & { rpn: RpnConfig; roi: RoiConfig };
/** The config of Mask R-CNN: a two-stage config with `mask`. */
export type MaskRcnnConfig = TwoStageConfig & { mask: MaskConfig };
/** The config of Keypoint R-CNN: a two-stage config with `keypoints`. */
export type KeypointRcnnConfig = TwoStageConfig & { keypoints: KeypointConfig };
/** The config of R-CNN: `proposals` and `rcnn` present. */
export type RcnnFamilyConfig = DetectorConfig & { proposals: ProposalConfig; rcnn: RcnnConfig };

/**
 * `config` narrowed to a family that reads `names`. The schema fills a family's sections, so this
 * fails only for a config built by hand without them.
 */
export function requireSections<C extends DetectorConfig, K extends keyof FamilySections>(
  config: C,
  names: readonly K[],
): C & { [P in K]-?: z.output<FamilySections[P]> } {
  for (const name of names) {
    if (config[name] === undefined) throw new ModelConfigError(String(name), `model.arch '${config.model.arch}' needs this section`);
  }
  return config as C & { [P in K]-?: z.output<FamilySections[P]> };
}

/** The detector's part of a larger config (a RunConfig's dataset, train and seed left out). */
export function detectorConfigOf(config: DetectorConfig): DetectorConfig {
  const keys = new Set<string>([...COMMON_SECTIONS, ...detectorFamilies().flatMap((f) => Object.keys(f.sections))]);
  const source = config as Record<string, unknown>;
  return Object.fromEntries(Object.keys(source).filter((k) => keys.has(k) && source[k] !== undefined).map((k) => [k, source[k]])) as DetectorConfig;
}

/**
 * Whether a run of `arch` reads the config path `path` (`roi.pooler` only for the two-stage
 * families, `model.phi` and `model.fusion` only for EfficientDet — each family's `modelFields`;
 * every family reads `loss.gamma`, `train.lr` …). Sweeps over several architectures apply an axis
 * only to the runs whose family reads it.
 */
export function familyReadsPath(arch: string, path: string): boolean {
  const [section, field] = path.split('.');
  if (section === 'model' && field !== undefined && field !== 'arch') {
    const family = detectorFamilies().find((f) => f.arch === arch);
    return family === undefined || (family.modelFields as readonly string[]).includes(field);
  }
  const declaredBy = detectorFamilies().filter((f) => section in f.sections);
  return declaredBy.length === 0 || declaredBy.some((f) => f.arch === arch);
}

/** Why a section is refused for runs of `archs`: `is not used by model.arch 'retinanet' (roi configures faster-rcnn, mask-rcnn, keypoint-rcnn)`. */
export function unusedSectionMessage(archs: readonly string[], section: string): string {
  const users = detectorFamilies().filter((f) => section in f.sections).map((f) => f.arch);
  return `is not used by model.arch ${quotedArchs(archs)} (${section} configures ${users.join(', ')})`;
}

/**
 * Why a path no run of `archs` reads is refused: a section's message, or for a `model` field
 * `is not used by model.arch 'retinanet' (model.phi is read by efficientdet)`.
 */
export function unusedPathMessage(archs: readonly string[], path: string): string {
  const [section, field] = path.split('.');
  if (section !== 'model' || field === undefined) return unusedSectionMessage(archs, section);
  const readers = detectorFamilies().filter((f) => (f.modelFields as readonly string[]).includes(field)).map((f) => f.arch);
  return `is not used by model.arch ${quotedArchs(archs)} (${path} is read by ${readers.join(', ')})`;
}

function quotedArchs(archs: readonly string[]): string {
  return archs.map((a) => `'${a}'`).join(' or ');
}
